package io.seqstream.apps.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Whether a soak stayed flat: per measure, the mean of the readings in the first window against the mean in the
 * last window (the "first vs last 5 minutes"). The mean, not the median: a measure that alternates between two
 * values from one reading to the next (the checkpoint size does, as the retraining buffers fill and drain) would make
 * the median jump between them. The last may exceed the first by 10 %, or by a small absolute
 * floor where 10 % of the value is below what one reading jitters by (a few MiB of heap, one thread, a few ms).
 * A measure that fell is flat: only growth means a leak or a slowdown.
 */
final class Flatness {
    static final double TOLERANCE = 0.10;

    /** One measure's verdict. */
    record Row(String measure, long first, long last, long floor, boolean flat) {
        String line() {
            double change = first == 0 ? 0 : 100.0 * (last - first) / first;
            return String.format(Locale.ROOT, "| %s | %d | %d | %+.1f %% | %s |", measure, first, last, change, flat ? "flat" : "GREW");
        }
    }

    private record Measure(String name, ToLongFunction<SoakSample> value, long floor) {
    }

    private static final List<Measure> MEASURES = List.of(
            new Measure("heap after GC (MiB)", SoakSample::heapMiB, 16),
            new Measure("RSS (MiB)", SoakSample::rssMiB, 32),
            new Measure("threads", SoakSample::threads, 2),
            new Measure("checkpoint size (KiB)", SoakSample::checkpointKiB, 64),
            new Measure("checkpoint duration (ms)", SoakSample::checkpointMs, 50),
            new Measure("p99 latency (ms)", SoakSample::p99Ms, 10));

    private Flatness() {
    }

    /**
     * Compares the readings of the first {@code windowMinutes} (after the first reading, taken before any load) with
     * those of the last {@code windowMinutes}; a run shorter than two windows compares its first and last fifths.
     */
    static List<Row> compare(List<SoakSample> samples, double windowMinutes) {
        if (samples.size() < 3) {
            throw new IllegalArgumentException("a soak needs at least 3 readings to compare, got " + samples.size());
        }
        List<SoakSample> load = samples.subList(1, samples.size());
        double end = load.get(load.size() - 1).minute();
        double window = end >= 2 * windowMinutes ? windowMinutes : end / 5;
        List<SoakSample> first = load.stream().filter(s -> s.minute() <= load.get(0).minute() + window).toList();
        List<SoakSample> last = load.stream().filter(s -> s.minute() >= end - window).toList();
        List<Row> rows = new ArrayList<>();
        for (Measure m : MEASURES) {
            long a = mean(first, m.value());
            long b = mean(last, m.value());
            rows.add(new Row(m.name(), a, b, m.floor(), b <= Math.max(a * (1 + TOLERANCE), a + m.floor())));
        }
        return rows;
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| measure (mean of the readings) | first window | last window | change | verdict |\n"
                + "|---|---:|---:|---:|---|\n");
        rows.forEach(r -> sb.append(r.line()).append('\n'));
        return sb.toString();
    }

    private static long mean(List<SoakSample> xs, ToLongFunction<SoakSample> f) {
        return Math.round(xs.stream().mapToLong(f).average().orElseThrow());
    }
}
