package io.seqstream.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** One bounded uniform sample per window, emitted at the window's end; late sequences dropped; reservoirs checkpointed. */
class WindowSamplerTest {
    static TrainingSequence seq(long end, int id) {
        return new TrainingSequence(end - 1000, end, new int[]{ id, id + 1 }, null, end - 500);
    }

    static OneInputStreamOperatorTestHarness<TrainingSequence, TrainingWindow> open(OperatorSubtaskState restore) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new WindowSampler(50));
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void eachWindowIsAUniformSampleOfBoundedSizeEmittedWhenTheWatermarkPassesItsEnd() throws Exception {
        try (var h = open(null)) {
            for (int i = 0; i < 1000; i++) {
                h.processElement(seq(1000, i), 999);
                h.processElement(seq(2000, i), 1999);
            }
            h.processWatermark(new Watermark(999));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(new Watermark(1000));
            List<TrainingWindow> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(w -> {
                assertThat(w.size()).isEqualTo(50);
                assertThat(w.offered).isEqualTo(1000);
                assertThat(w.windowStart).isZero();
                assertThat(w.windowEnd).isEqualTo(1000);
                Set<Integer> ids = new HashSet<>();
                for (int[] t : w.tokens) {
                    ids.add(t[0]);
                }
                assertThat(ids).hasSize(50);
                assertThat(ids.stream().filter(i -> i >= 500).count()).as("not just the first 50 offered").isGreaterThan(10);
            });
            h.processElement(seq(1000, 5), 1000); // late: its window is gone
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.extractOutputValues().get(1).windowEnd).isEqualTo(2000);
        }
    }

    @Test
    void openReservoirsSurviveACheckpoint() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(null)) {
            for (int i = 0; i < 30; i++) {
                h.processElement(seq(1000, i), 1);
            }
            snapshot = h.snapshot(1, 1);
        }
        try (var h = open(snapshot)) {
            for (int i = 30; i < 60; i++) {
                h.processElement(seq(1000, i), 1);
            }
            h.processWatermark(new Watermark(1000));
            assertThat(h.extractOutputValues()).singleElement().satisfies(w -> {
                assertThat(w.offered).isEqualTo(60);
                assertThat(w.size()).isEqualTo(50);
            });
        }
    }
}
