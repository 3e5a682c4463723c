package io.seqstream.jobs.bench;

/**
 * One variant's numbers: end-to-end throughput (producer, broker and job together), the job's own
 * throughput over a backlog, and latencies at a fixed rate.
 */
record BenchResult(String variant, String engine, long events, double endToEndPerSecond, double backlogPerSecond, int latencyRate,
        long computedP50, long computedP99, long visibleP50, long visibleP99) {
}
