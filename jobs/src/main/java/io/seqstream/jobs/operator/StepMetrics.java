package io.seqstream.jobs.operator;

import io.seqstream.schemas.Prediction;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The stepping operator's metrics, registered in Flink's metric system under the operator's group
 * (reporters see e.g. {@code <job>.<operator>.<subtask>.predictionsOut}; Prometheus
 * {@code flink_taskmanager_job_task_operator_predictionsOut}). Public for {@code MetricCatalog}; the
 * operator is the only writer.
 */
public final class StepMetrics {
    static final int HISTOGRAM_WINDOW = 4096;

    final Counter eventsIn;
    final Counter predictionsOut;
    final Counter expiredKeys;
    final Histogram microBatchSize;
    final Histogram stepLatencyMicros;
    final Counter modelSwaps;
    final Counter modelsRejected;
    final Counter modelsStale;
    final Counter keysConverted;
    /** Wall clock at emission minus the event's time, per prediction, ms. */
    final Histogram eventToPredictionMs;
    private long keysInState;
    private long lastSwapMicros;
    private long eventTimeLagMs;

    public StepMetrics(MetricGroup group, LongSupplier modelVersion, LongSupplier buffered) {
        eventsIn = group.counter("eventsIn");
        predictionsOut = group.counter("predictionsOut");
        expiredKeys = group.counter("expiredKeys");
        microBatchSize = group.histogram("microBatchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        stepLatencyMicros = group.histogram("stepLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        modelSwaps = group.counter("modelSwaps");
        modelsRejected = group.counter("modelsRejected");
        modelsStale = group.counter("modelsStale");
        keysConverted = group.counter("keysConverted");
        eventToPredictionMs = group.histogram("eventToPredictionMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge("eventTimeLagMs", (Gauge<Long>) () -> eventTimeLagMs);
        group.gauge("keysInState", (Gauge<Long>) () -> keysInState);
        group.gauge("modelVersion", (Gauge<Long>) modelVersion::getAsLong);
        group.gauge("bufferedEvents", (Gauge<Long>) buffered::getAsLong);
        group.gauge("lastSwapMicros", (Gauge<Long>) () -> lastSwapMicros);
    }

    /**
     * A micro-batch's predictions leave the operator at {@code nowMillis}: each one's event-to-prediction
     * latency, and the event-time lag (now minus the newest event time of the batch).
     */
    void emitted(Prediction[] predictions, int count, long nowMillis) {
        long newest = Long.MIN_VALUE;
        for (int p = 0; p < count; p++) {
            long eventTime = predictions[p].getEventTime();
            eventToPredictionMs.update(Math.max(0, nowMillis - eventTime));
            newest = Math.max(newest, eventTime);
        }
        if (count > 0) {
            eventTimeLagMs = Math.max(0, nowMillis - newest);
        }
    }

    long eventTimeLagMs() {
        return eventTimeLagMs;
    }

    long keysInState() {
        return keysInState;
    }

    void setKeysInState(long n) {
        keysInState = n;
    }

    void keyAdded() {
        keysInState++;
    }

    void keyExpired() {
        keysInState--;
        expiredKeys.inc();
    }

    void swapped(long micros) {
        modelSwaps.inc();
        lastSwapMicros = micros;
    }

    long lastSwapMicros() {
        return lastSwapMicros;
    }
}
