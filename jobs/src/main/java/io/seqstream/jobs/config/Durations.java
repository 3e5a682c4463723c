package io.seqstream.jobs.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as a number and a unit: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}; {@code 0} alone is zero. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 250ms, 10s, 5m, 1h, 2d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest exact spelling, e.g. {@code 90s}, {@code 2m}, {@code 1500ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] unit = { 86_400_000L, 3_600_000L, 60_000L, 1000L };
        String[] name = { "d", "h", "m", "s" };
        for (int i = 0; i < unit.length; i++) {
            if (ms % unit[i] == 0) {
                return ms / unit[i] + name[i];
            }
        }
        return ms + "ms";
    }
}
