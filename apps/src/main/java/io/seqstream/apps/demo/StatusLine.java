package io.seqstream.apps.demo;

/** The live console line (one per second) and the final summary. */
final class StatusLine {
    private final DemoProducer producer;
    private final PredictionMonitor monitor;
    private final AccuracyTracker tracker;
    private final long start = System.nanoTime();
    private long lastTime = start;
    private long lastSent;
    private long lastPredictions;

    StatusLine(DemoProducer producer, PredictionMonitor monitor, AccuracyTracker tracker) {
        this.producer = producer;
        this.monitor = monitor;
        this.tracker = tracker;
    }

    /** e.g. {@code [  12s] events 5,000/s | predictions 4,987/s | latency p50 612 ms p99 1,043 ms | next-event accuracy 61.8% | model v1 | dead letters 1} */
    String line() {
        long now = System.nanoTime();
        double secs = Math.max(1e-9, (now - lastTime) / 1e9);
        long sent = producer.sent(), predictions = monitor.predictions();
        String line = String.format(
                "[%5ds] events %,7.0f/s | predictions %,7.0f/s | latency p50 %s p99 %s | next-event accuracy %s | model %s | dead letters %,d",
                (now - start) / 1_000_000_000L, (sent - lastSent) / secs, (predictions - lastPredictions) / secs,
                ms(monitor.window.percentile(0.50)), ms(monitor.window.percentile(0.99)), percent(tracker.accuracy()),
                monitor.modelVersion() < 0 ? "-" : "v" + monitor.modelVersion(), monitor.deadLetters());
        monitor.window.clear();
        lastTime = now;
        lastSent = sent;
        lastPredictions = predictions;
        return line;
    }

    String summary() {
        double secs = (System.nanoTime() - start) / 1e9;
        return String.format("""
                summary: %,d events sent (%,d malformed) in %.1f s, %,d predictions and %,d dead letters read (read_committed)
                         throughput %,.0f predictions/s; event-to-prediction latency p50 %s, p99 %s, max %s
                         next-event accuracy %s over %,d scored predictions; model %s""",
                producer.sent(), producer.badSent(), secs, monitor.predictions(), monitor.deadLetters(),
                monitor.predictions() / Math.max(1e-9, secs), ms(monitor.total.percentile(0.50)), ms(monitor.total.percentile(0.99)),
                ms(monitor.total.percentile(1.0)), percent(tracker.accuracy()), tracker.scored(),
                monitor.modelVersion() < 0 ? "-" : "v" + monitor.modelVersion());
    }

    private static String ms(long v) {
        return v < 0 ? "-" : String.format("%,d ms", v);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f%%", 100 * v);
    }
}
