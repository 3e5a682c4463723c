package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.schemas.Prediction;
import java.util.List;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class StepMetricsTest {
    private static Prediction at(long eventTime) {
        return new Prediction("k", eventTime, 1L, 1L, List.of(), null, 0L, null, null, null, null, java.util.Map.of());
    }

    @Test
    void latencyPerPredictionAndLagOfTheNewestEvent() {
        StepMetrics m = new StepMetrics(new UnregisteredMetricsGroup(), () -> 1, () -> 0);
        long now = 1_000_000;
        Prediction[] batch = { at(now - 30), at(now - 10), at(now - 20), null };
        m.emitted(batch, 3, now);
        assertThat(m.eventToPredictionMs.getCount()).isEqualTo(3);
        assertThat(m.eventToPredictionMs.getStatistics().getMax()).isEqualTo(30);
        assertThat(m.eventToPredictionMs.getStatistics().getMin()).isEqualTo(10);
        assertThat(m.eventTimeLagMs()).isEqualTo(10);
        // An empty batch leaves the lag as it was; a clock behind an event (skew) counts 0, never negative.
        m.emitted(batch, 0, now + 5000);
        assertThat(m.eventTimeLagMs()).isEqualTo(10);
        m.emitted(new Prediction[]{ at(now + 50) }, 1, now);
        assertThat(m.eventTimeLagMs()).isZero();
        assertThat(m.eventToPredictionMs.getStatistics().getMin()).isZero();
    }
}
