package io.seqstream.apps.soak;

import java.util.Locale;

/**
 * One reading of the soak, taken every {@code --sample-every}: what was sent and predicted so far, the process's heap
 * after a GC, its resident memory and threads, the job's last completed checkpoint (size, duration) and the p99 of
 * the latencies (send time to a read_committed consumer) seen since the previous reading.
 */
record SoakSample(double minute, long sent, long predicted, long heapMiB, long rssMiB, int threads, long checkpointKiB,
        long checkpointMs, long p99Ms) {

    static final String HEADER = "| minute | events sent | predicted | heap after GC (MiB) | RSS (MiB) | threads | checkpoint (KiB) "
            + "| checkpoint (ms) | p99 latency (ms) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** A row of {@link #HEADER}'s table, as {@link #row()} writes it; empty for any other line. */
    static java.util.Optional<SoakSample> parse(String line) {
        String[] f = line.split("\\|");
        if (f.length != 10 || !f[1].trim().matches("\\d+(\\.\\d+)?")) {
            return java.util.Optional.empty();
        }
        long[] v = new long[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Long.parseLong(f[i + 2].trim());
        }
        return java.util.Optional.of(new SoakSample(Double.parseDouble(f[1].trim()), v[0], v[1], v[2], v[3], (int) v[4], v[5], v[6], v[7]));
    }

    String row() {
        return String.format(Locale.ROOT, "| %.2f | %d | %d | %d | %d | %d | %d | %d | %d |", minute, sent, predicted, heapMiB, rssMiB,
                threads, checkpointKiB, checkpointMs, p99Ms);
    }
}
