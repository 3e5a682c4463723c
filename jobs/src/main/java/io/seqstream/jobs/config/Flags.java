package io.seqstream.jobs.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command-line flags {@code --name value} or {@code --name=value}, in order; the last of a repeated flag wins. */
public final class Flags {
    private Flags() {
    }

    public static Map<String, String> parse(String... args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("unexpected argument '" + a + "': options are written --name value");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            if (eq >= 0) {
                flags.put(body.substring(0, eq), body.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                flags.put(body, args[++i]);
            } else {
                throw new ConfigException("option --" + body + " needs a value");
            }
        }
        return Collections.unmodifiableMap(flags);
    }

    /** Removes {@code --name} from the runner's flags and reads it as a whole number >= 0, or the default. */
    public static long takeWholeNumber(Map<String, String> flags, String name, long dflt) {
        String v = flags.remove(name);
        if (v == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException("--" + name + " needs a whole number >= 0, got '" + v + "'");
        }
    }
}
