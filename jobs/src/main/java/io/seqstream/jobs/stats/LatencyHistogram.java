package io.seqstream.jobs.stats;

/** Millisecond latencies in 1 ms buckets up to a minute (and one overflow bucket): exact percentiles, no allocation. */
public final class LatencyHistogram {
    private static final int MAX_MS = 60_000;
    private final long[] counts = new long[MAX_MS + 2];
    private long total;

    public synchronized void record(long ms) {
        counts[(int) Math.max(0, Math.min(ms, MAX_MS + 1))]++;
        total++;
    }

    public synchronized long count() {
        return total;
    }

    /** The latency at quantile q in ms (e.g. 0.99), or -1 without data; the overflow bucket reads as over a minute. */
    public synchronized long percentile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int ms = 0; ms < counts.length; ms++) {
            seen += counts[ms];
            if (seen >= Math.max(1, rank)) {
                return ms;
            }
        }
        return MAX_MS + 1;
    }

    public synchronized void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }
}
