package io.seqstream.apps.bench;

import java.util.List;

/**
 * One variant's numbers: end-to-end throughput (producer, broker and job together) and the job's own
 * throughput over a backlog, one value per measured round (the table shows medians), the CPU time of the
 * whole process (broker, job, reader) per event in the job-only runs, and latencies at a fixed rate.
 */
record BenchResult(String variant, String engine, long events, List<Double> endToEndRuns, List<Double> backlogRuns,
        List<Double> backlogCpuMicrosPerEvent, int latencyRate,
        long computedP50, long computedP99, long visibleP50, long visibleP99) {

    double endToEndPerSecond() {
        return median(endToEndRuns);
    }

    double backlogPerSecond() {
        return median(backlogRuns);
    }

    double backlogCpuMicros() {
        return median(backlogCpuMicrosPerEvent);
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
