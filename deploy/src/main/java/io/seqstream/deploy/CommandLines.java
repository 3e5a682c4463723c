package io.seqstream.deploy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the deploy tools answer (the same rules as apps' commands): a user mistake (an unknown option or command, a
 * missing or bad value) is one line on stderr naming it, a hint line, and exit code 2; {@code --help} prints the usage
 * with exit code 0; any other failure is one line {@code <tool>: <message>} and exit code 1.
 */
public final class CommandLines {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USER_ERROR = 2;

    private CommandLines() {
    }

    /** A command line for an annotated command and the subcommands it declares, with these rules. */
    public static CommandLine of(Object command) {
        CommandLine cli = new CommandLine(command);
        cli.setExpandAtFiles(false); // an argument is what it says, never the name of a file to read
        cli.setParameterExceptionHandler(CommandLines::usageError);
        cli.setExecutionExceptionHandler((e, c, r) -> {
            c.getErr().println(c.getCommandSpec().root().name() + ": " + oneLine(e));
            c.getErr().flush();
            return FAILED;
        });
        return cli;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        String problem = e instanceof UnmatchedArgumentException u ? unknown(u) : oneLine(e);
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + problem);
        c.getErr().println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
        c.getErr().flush();
        return USER_ERROR;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * The first unknown option and the option names closest to it (picocli would name the value after it as well,
     * and suggests only options shown in the usage).
     */
    private static String unknown(UnmatchedArgumentException u) {
        String arg = u.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(null);
        if (arg == null) {
            return oneLine(u);
        }
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        List<String> close = u.getCommandLine().getCommandSpec().options().stream().flatMap(o -> Arrays.stream(o.names()))
                .filter(n -> n.startsWith("--") && distance(n, name) <= Math.max(2, name.length() / 6)).sorted(
                        Comparator.comparingInt((String n) -> distance(n, name)).thenComparing(n -> n))
                .limit(3).toList();
        return "Unknown option: '" + name + "'" + (close.isEmpty() ? "" : " (did you mean " + String.join(" or ", close) + "?)");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
