package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.BACKEND;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.MODEL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.TOL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.VOCAB;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.ev;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.output;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.settle;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateEntries;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The rescaling path at scale: 1M keys on RocksDB at parallelism 1, a canonical savepoint (what stop-with-savepoint
 * writes), its key groups split over two instances at parallelism 2 (Flink's restore code, RocksDB's rescaling
 * restore), then a second event for sampled keys: each continues at step 2 from its own state, in the instance
 * that owns its key group, and matches predict() on both events. The two instances hold every key exactly once.
 *
 * <p>About 10 s: RocksDB configured as the job configures it ({@link ManyKeysRocksDbTest#productionLikeRocksDb()}).
 */
class RescaleAtScaleTest {
    static final int KEYS = 1_000_000;
    static final int MAX_PARALLELISM = 128;

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> harness(int parallelism, int subtask,
            OperatorSubtaskState restore) throws Exception {
        var op = new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(512, 1_000_000, 0, 3, true).withPipelined(false));
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction>(op, ModelInput::getKey, null,
                Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        h.setStateBackend(ManyKeysRocksDbTest.productionLikeRocksDb()); // full snapshots: the harness resolves no shared files
        h.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE)); // in memory, without the 5 MB default cap
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void aMillionKeysSavedAtParallelismOneContinueAtParallelismTwo() throws Exception {
        Random rnd = new Random(17);
        Map<String, List<ModelInput>> sent = new HashMap<>();
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sample.add("k-" + rnd.nextInt(KEYS));
        }
        for (String k : sample) {
            sent.put(k, new ArrayList<>());
        }
        OperatorSubtaskState savepoint;
        try (var h = harness(1, 0, null)) {
            h.setProcessingTime(0);
            for (int k = 0; k < KEYS; k++) {
                String key = "k-" + k;
                ModelInput e = ev(key, rnd.nextInt(VOCAB));
                List<ModelInput> s = sent.get(key);
                if (s != null) {
                    s.add(e);
                }
                h.processElement1(e, 1);
                if (k % 100_000 == 99_999) {
                    settle(h);
                    h.getOutput().clear(); // a million predictions need not stay in memory: the sampled keys are checked below
                }
            }
            h.prepareSnapshotPreBarrier(1); // as the task does before a savepoint's barrier: flushes the buffer
            savepoint = h.snapshotWithLocalState(1, 0, SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState();
            settle(h);
            h.getOutput().clear();
        }

        List<Prediction> got = new ArrayList<>();
        long total = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part = AbstractStreamOperatorTestHarness.repartitionOperatorState(savepoint, MAX_PARALLELISM, 1, 2,
                    subtask);
            try (var h = harness(2, subtask, part)) {
                long entries = stateEntries(h, true);
                assertThat(entries).as("keys restored in subtask %d of 2", subtask).isBetween(KEYS / 2L - KEYS / 10, KEYS / 2L + KEYS / 10);
                total += entries;
                MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
                assertThat(op.metrics().keysInState()).isEqualTo(entries);
                for (String key : sample) {
                    boolean mine = KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, 2) == subtask;
                    if (!mine) {
                        continue;
                    }
                    assertThat(stateOf(h, key).step).as("restored step of %s", key).isEqualTo(1);
                    ModelInput e = ev(key, rnd.nextInt(VOCAB));
                    sent.get(key).add(e);
                    h.processElement1(e, 2);
                }
                h.prepareSnapshotPreBarrier(2); // flushes the buffer
                settle(h);
                got.addAll(h.extractOutputValues());
                for (String key : sample) {
                    if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_PARALLELISM, 2) == subtask) {
                        assertThat(stateOf(h, key).step).as("step of %s after its second event", key).isEqualTo(2);
                    }
                }
            }
        }
        assertThat(total).as("every key in exactly one of the two instances").isEqualTo(KEYS);
        // The second prediction of each sampled key: predict() on both of its events, at step 2.
        Map<String, List<Prediction>> byKey = new HashMap<>();
        for (Prediction p : got) {
            byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (var e : byKey.entrySet()) {
            assertThat(e.getValue()).as("predictions of %s after the restore", e.getKey()).hasSize(1);
            assertThat(e.getValue().get(0).getStep()).isEqualTo(2);
        }
        assertLastMatchesReference(got, sent);
    }

    /** Each key's prediction after the rescale equals the last output of predict() on its whole sequence. */
    private static void assertLastMatchesReference(List<Prediction> after, Map<String, List<ModelInput>> sent) {
        Map<String, Prediction> byKey = new HashMap<>();
        for (Prediction p : after) {
            byKey.put(p.getKey(), p);
        }
        for (var e : sent.entrySet()) {
            List<float[]> ref = Reference.outputs(MODEL, e.getValue());
            float[] want = ref.get(ref.size() - 1);
            float[] out = output(byKey.get(e.getKey()));
            for (int j = 0; j < want.length; j++) {
                assertThat((double) out[j]).as("key %s class %d after the rescale", e.getKey(), j).isCloseTo(want[j], within(TOL));
            }
        }
    }
}
