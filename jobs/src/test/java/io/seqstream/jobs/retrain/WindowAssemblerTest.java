package io.seqstream.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Training sequences per key and window: tumbling and sliding windows, the per-key bound, labels, idle keys cleared. */
class WindowAssemblerTest {
    static RetrainOptions options(long slide, long size, RetrainTarget target, int t, int perKey) {
        return new RetrainOptions(slide, size, target, t, perKey, 100, 2, 1, 8, 0.01, 0.25, 0, false, null);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ModelInput, TrainingSequence> open(RetrainOptions o) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowAssembler(o, 20)),
                ModelInput::getKey, Types.STRING);
        h.open();
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, ModelInput, TrainingSequence> h, String key, long time, int token,
            int label) throws Exception {
        h.processElement(ModelInput.token(key, time, token, label, false), time);
    }

    @Test
    void tumblingWindowsCutEachKeysLatestEventsIntoAtMostNSequences() throws Exception {
        try (var h = open(options(1000, 1000, RetrainTarget.NEXT_EVENT, 3, 2))) {
            for (int i = 0; i < 9; i++) {
                send(h, "a", i * 100, i + 1, -1); // tokens 1..9 at 0..800
            }
            send(h, "b", 500, 7, -1); // too few events for a sequence of T + 1 = 4
            send(h, "a", 1200, 10, -1); // the next window
            h.processWatermark(999);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(1000);
            List<TrainingSequence> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out).extracting(s -> s.tokens).containsExactly(new int[]{ 6, 7, 8, 9 }, new int[]{ 2, 3, 4, 5 });
            assertThat(out).allSatisfy(s -> {
                assertThat(s.windowStart).isZero();
                assertThat(s.windowEnd).isEqualTo(1000);
                assertThat(s.labels).isNull();
            });
            assertThat(out.get(0).firstEventTime).isEqualTo(500);
            h.processWatermark(2000); // window [1000, 2000): a's run ending at token 10
            List<TrainingSequence> all = h.extractOutputValues();
            assertThat(all).hasSize(3);
            assertThat(all.get(2).tokens).containsExactly(7, 8, 9, 10);
            assertThat(all.get(2).windowEnd).isEqualTo(2000);
            assertThat(h.numKeyedStateEntries()).as("idle keys are cleared").isZero();
        }
    }

    @Test
    void slidingWindowsUseAKeysEventsInEveryWindowTheyBelongTo() throws Exception {
        try (var h = open(options(1000, 3000, RetrainTarget.NEXT_EVENT, 2, 1))) {
            for (int i = 0; i < 3; i++) {
                send(h, "a", 100 + i, i, -1);
            }
            h.processWatermark(5000);
            List<TrainingSequence> out = h.extractOutputValues();
            assertThat(out).extracting(s -> s.windowEnd).containsExactly(1000L, 2000L, 3000L);
            assertThat(out).extracting(s -> s.windowStart).containsExactly(-2000L, -1000L, 0L);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void labelTargetsUseRunsOfLabelledEventsOnly() throws Exception {
        try (var h = open(options(1000, 1000, RetrainTarget.LABEL, 3, 5))) {
            send(h, "a", 1, 1, 11);
            send(h, "a", 2, 2, 12);
            send(h, "a", 3, 3, -1); // no label: the run breaks
            send(h, "a", 4, 4, 14);
            send(h, "a", 5, 5, 99); // outside the model's 20 outputs: breaks too
            send(h, "a", 6, 6, 16);
            send(h, "a", 7, 7, 17);
            send(h, "a", 8, 8, 18);
            h.processWatermark(1000);
            List<TrainingSequence> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(s -> {
                assertThat(s.tokens).containsExactly(6, 7, 8);
                assertThat(s.labels).containsExactly(16, 17, 18);
            });
        }
    }

    @Test
    void aKeyKeepsABoundedNumberOfEvents() throws Exception {
        RetrainOptions o = options(1000, 1000, RetrainTarget.NEXT_EVENT, 3, 2);
        try (var h = open(o)) {
            for (int i = 0; i < 500; i++) {
                send(h, "a", i, i % 20, -1);
            }
            int cap = new WindowAssembler(o, 20).capacity();
            var backend = h.getOperator().getKeyedStateBackend();
            backend.setCurrentKey("a");
            var list = backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                    org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                    new org.apache.flink.api.common.state.ListStateDescriptor<>("retrain-recent",
                            org.apache.flink.api.common.typeinfo.TypeInformation.of(RecentEvent.class)));
            int n = 0;
            for (RecentEvent ignored : list.get()) {
                n++;
            }
            assertThat(n).isLessThan(2 * cap).isGreaterThanOrEqualTo(cap);
            h.processWatermark(1000);
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }
}
