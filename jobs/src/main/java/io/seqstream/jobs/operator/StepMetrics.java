package io.seqstream.jobs.operator;

import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The stepping operator's metrics, registered in Flink's metric system under the operator's group
 * (reporters see e.g. {@code <job>.<operator>.<subtask>.predictionsOut}).
 */
final class StepMetrics {
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
    private long keysInState;
    private long lastSwapMicros;

    StepMetrics(MetricGroup group, LongSupplier modelVersion, LongSupplier buffered) {
        eventsIn = group.counter("eventsIn");
        predictionsOut = group.counter("predictionsOut");
        expiredKeys = group.counter("expiredKeys");
        microBatchSize = group.histogram("microBatchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        stepLatencyMicros = group.histogram("stepLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        modelSwaps = group.counter("modelSwaps");
        modelsRejected = group.counter("modelsRejected");
        modelsStale = group.counter("modelsStale");
        keysConverted = group.counter("keysConverted");
        group.gauge("keysInState", (Gauge<Long>) () -> keysInState);
        group.gauge("modelVersion", (Gauge<Long>) modelVersion::getAsLong);
        group.gauge("bufferedEvents", (Gauge<Long>) buffered::getAsLong);
        group.gauge("lastSwapMicros", (Gauge<Long>) () -> lastSwapMicros);
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
