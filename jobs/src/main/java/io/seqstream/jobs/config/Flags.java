package io.seqstream.jobs.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The program arguments of {@code PredictionJobMain}, the job jar's entry point on a cluster:
 * {@code --name value} or {@code --name=value}, in order; the last of a repeated flag wins. The names are not
 * checked here: {@link JobConfig#withFlags} refuses an unknown key or a bad value, naming the flag.
 *
 * <p>Why a parser of its own rather than picocli, the one of every command in apps/ and deploy/: the job jar carries
 * no command-line library (JobJarIT checks), and a cluster passes exactly this one form of arguments. The commands a
 * user types ({@code ./seqstream job}, the demo, the benchmarks) parse the same keys with picocli (apps' JobFlags)
 * and hand JobConfig a map.
 */
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
}
