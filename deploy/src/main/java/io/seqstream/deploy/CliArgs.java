package io.seqstream.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Arguments of the deploy CLIs: {@code --name value} options, {@code --flag} switches, positionals, and
 * everything after {@code --} passed through untouched (the job's own arguments). Unknown options are an error.
 */
public final class CliArgs {
    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> positionals = new ArrayList<>();
    private final List<String> passThrough = new ArrayList<>();

    /** Thrown for a bad command line; the CLIs print the message and the usage. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param withValue options that take a value
     * @param switches  options without a value
     */
    public static CliArgs parse(String[] args, Set<String> withValue, Set<String> switches) {
        CliArgs c = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                c.passThrough.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (switches.contains(name) && value == null) {
                    c.options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                } else if (withValue.contains(name)) {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    c.options.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                c.positionals.add(a);
            }
        }
        return c;
    }

    public Optional<String> value(String name) {
        List<String> v = options.get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    public List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return options.containsKey(name);
    }

    public int intValue(String name, int defaultValue) {
        Optional<String> v = value(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, got '" + v.get() + "'");
        }
    }

    public List<String> positionals() {
        return positionals;
    }

    /** The n-th positional, or a usage error naming what it should be. */
    public String positional(int n, String what) {
        if (positionals.size() <= n) {
            throw new UsageException("missing " + what);
        }
        return positionals.get(n);
    }

    public List<String> passThrough() {
        return passThrough;
    }
}
