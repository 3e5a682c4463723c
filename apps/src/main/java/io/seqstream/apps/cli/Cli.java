package io.seqstream.apps.cli;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.model.io.ModelFileException;
import io.seqstream.model.keras.KerasImportException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command of {@code ./seqstream} answers: a user mistake (an unknown option, a missing or bad value, a
 * bad config key or file) is one line on stderr naming it, a hint line, and exit code {@value #USER_ERROR}, with no
 * stack trace; {@code --help} prints the usage with exit code 0; any other failure keeps picocli's behaviour (stack
 * trace, exit code 1).
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USER_ERROR = 2;

    private Cli() {
    }

    /** A command line for an annotated command, with the project's error handling. */
    public static CommandLine commandLine(Object command) {
        return configure(new CommandLine(command));
    }

    /** Sets the project's error handling on a command line and the subcommands it has now. */
    public static CommandLine configure(CommandLine cli) {
        // "@key" and "@timestamp" are field mapping values (jobs/CONFIG.md), not argument files to read.
        cli.setExpandAtFiles(false);
        cli.setParameterExceptionHandler(Cli::usageError);
        cli.setExecutionExceptionHandler((e, c, r) -> failure(e, c, r));
        return cli;
    }

    /** Whether an exception describes the user's input (a config key, a model or config file), not a bug. */
    public static boolean isUserError(Throwable e) {
        return e instanceof ConfigException || e instanceof ModelLoadException || e instanceof ModelFileException
                || e instanceof KerasImportException || e instanceof io.seqstream.model.config.ConfigException;
    }

    /** The message on one line: a multi-line message is joined with spaces. */
    public static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Prints {@code <command>: <problem>} and returns {@link #USER_ERROR}. */
    public static int userError(CommandLine c, String problem) {
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + problem);
        err.flush();
        return USER_ERROR;
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        String problem = e instanceof UnmatchedArgumentException u ? unknown(u) : oneLine(e);
        userError(c, problem);
        c.getErr().println("try '" + c.getCommandSpec().qualifiedName() + " --help'");
        c.getErr().flush();
        return USER_ERROR;
    }

    private static int failure(Exception e, CommandLine c, ParseResult r) throws Exception {
        if (isUserError(e)) {
            return userError(c, oneLine(e));
        }
        throw e;
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
