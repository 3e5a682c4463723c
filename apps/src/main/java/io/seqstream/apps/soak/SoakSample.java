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

    String row() {
        return String.format(Locale.ROOT, "| %.2f | %d | %d | %d | %d | %d | %d | %d | %d |", minute, sent, predicted, heapMiB, rssMiB,
                threads, checkpointKiB, checkpointMs, p99Ms);
    }
}
