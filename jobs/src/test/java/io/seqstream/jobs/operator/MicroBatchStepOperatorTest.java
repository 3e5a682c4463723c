package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.serde.EntityKeyType;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.model.stream.StepModel;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The micro-batching operator alone, in Flink's keyed operator test harness (no broker, no cluster):
 * flush triggers, per-key order inside a batch, the keyed state values, reset, TTL expiry, checkpoints.
 */
class MicroBatchStepOperatorTest {
    static final double TOL = 1e-5;
    static final int VOCAB = 20;
    static final Model MODEL = TestModels.tokenModel(VOCAB, 6, 10, 17);
    static final StepModelBackend BACKEND = StepModelBackend.of(MODEL, 7);

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(MicroBatchStepOperator op,
            boolean rocksdb)
            throws Exception {
        return open(op, rocksdb, null);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(MicroBatchStepOperator op,
            boolean rocksdb,
            OperatorSubtaskState restoreFrom) throws Exception {
        return open(op, rocksdb, restoreFrom, EntityKeyType.INSTANCE);
    }

    /** With the key type given: the job's {@link EntityKeyType}, or Flink's {@code Types.STRING} of earlier versions. */
    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(MicroBatchStepOperator op,
            boolean rocksdb, OperatorSubtaskState restoreFrom, TypeInformation<String> keyType) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction>(op, ModelInput::getKey, null,
                keyType);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    /** Steps on the task thread here; {@link PipelinedMicroBatchStepOperatorTest} runs every test again pipelined. */
    boolean pipelined() {
        return false;
    }

    MicroBatchStepOperator operator(int batch, long timeoutMs, long ttlMs) {
        return new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(batch, timeoutMs, ttlMs, 3, true).withPipelined(pipelined()));
    }

    /**
     * Lets a batch in flight on the step thread finish and emit (runs the operator's mails, as the task's mailbox
     * would between records); nothing to do when not pipelined.
     */
    static void settle(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h) throws Exception {
        MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
        runMailsWhile(h, op::batchInFlight, "the batches in flight complete");
    }

    /** Runs the operator's mails (as the task's mailbox would between records) while {@code busy}, for at most 30 s. */
    static void runMailsWhile(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, BooleanSupplier busy,
            String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (busy.getAsBoolean()) {
            Optional<Mail> mail = h.getTaskMailbox().tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isPresent()) {
                mail.get().run();
            } else {
                Thread.sleep(1);
            }
            assertThat(System.nanoTime()).as("%s within 30 s", what).isLessThan(deadline);
        }
    }

    /** The predictions emitted so far, once the batch in flight (if any) is done. */
    static List<Prediction> outputs(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h)
            throws Exception {
        settle(h);
        return h.extractOutputValues();
    }

    static ModelInput ev(String key, int token) {
        return ModelInput.token(key, 1000, token, false);
    }

    static ModelInput reset(String key, int token) {
        return ModelInput.token(key, 1000, token, true);
    }

    static float[] output(Prediction p) {
        float[] f = new float[p.getOutput().size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = p.getOutput().get(i);
        }
        return f;
    }

    /** Every key's predictions equal predict() on its whole sequence, with steps 1, 2, ... restarting at resets. */
    static void assertMatchesReference(List<Prediction> predictions, Map<String, List<ModelInput>> sent) {
        Map<String, List<Prediction>> byKey = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
        }
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (var e : sent.entrySet()) {
            List<Prediction> got = byKey.get(e.getKey());
            List<float[]> ref = Reference.outputs(MODEL, e.getValue());
            List<Long> steps = Reference.steps(e.getValue());
            assertThat(got).as("predictions of key %s", e.getKey()).hasSize(ref.size());
            for (int t = 0; t < ref.size(); t++) {
                assertThat(got.get(t).getStep()).as("key %s event %d step", e.getKey(), t).isEqualTo(steps.get(t));
                float[] out = output(got.get(t));
                for (int j = 0; j < VOCAB; j++) {
                    assertThat((double) out[j]).as("key %s event %d class %d", e.getKey(), t, j).isCloseTo(ref.get(t)[j], within(TOL));
                }
            }
        }
    }

    /** Keyed state entries: the harness counts them on the heap backend; on RocksDB, iterate the keys. */
    static long stateEntries(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, boolean rocksdb)
            throws Exception {
        settle(h);
        if (!rocksdb) {
            return h.numKeyedStateEntries();
        }
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        try (var keys = backend.getKeys(MicroBatchStepOperator.STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    static KeyState stateOf(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, String key)
            throws Exception {
        settle(h);
        KeyedStateBackend<String> backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                MicroBatchStepOperator.stateDescriptor()).value();
    }

    @Test
    void flushesWhenTheBatchIsFullAndStepsEachKeysEventsInArrivalOrder() throws Exception {
        try (var h = open(operator(4, 10_000, 0), false)) {
            Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
            int[][] script = { { 0, 3 }, { 1, 5 }, { 0, 7 } }; // key a, b, a
            for (int[] s : script) {
                ModelInput e = ev(s[0] == 0 ? "a" : "b", s[1]);
                sent.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e);
                h.processElement1(e, 1);
            }
            assertThat(h.extractOutputValues()).as("nothing before B events").isEmpty();
            ModelInput last = ev("a", 9);
            sent.get("a").add(last);
            h.processElement1(last, 2);
            List<Prediction> out = outputs(h);
            assertThat(out).hasSize(4);
            // Rounds: first events of a and b, then a's second, then a's third.
            assertThat(out).extracting(Prediction::getKey).containsExactly("a", "b", "a", "a");
            assertThat(out).extracting(Prediction::getStep).containsExactly(1L, 1L, 2L, 3L);
            assertMatchesReference(out, sent);
            StepMetrics m = ((MicroBatchStepOperator) h.getOperator()).metrics();
            assertThat(m.eventsIn.getCount()).isEqualTo(4);
            assertThat(m.predictionsOut.getCount()).isEqualTo(4);
            assertThat(m.microBatchSize.getStatistics().getMax()).isEqualTo(4);
            assertThat(m.stepLatencyMicros.getCount()).as("3 rounds, 3 stepper calls").isEqualTo(3);
            assertThat(m.keysInState()).isEqualTo(2);
        }
    }

    @Test
    void flushesAfterTheTimeout() throws Exception {
        try (var h = open(operator(64, 50, 0), false)) {
            h.setProcessingTime(1000);
            h.processElement1(ev("a", 1), 1);
            h.setProcessingTime(1049);
            settle(h);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(1050);
            assertThat(outputs(h)).hasSize(1);
            assertThat(outputs(h).get(0).getProcessingTime()).isEqualTo(1050);
            // the next event starts a new timer
            h.processElement1(ev("a", 2), 2);
            h.setProcessingTime(1099);
            settle(h);
            assertThat(h.extractOutputValues()).hasSize(1);
            h.setProcessingTime(1100);
            assertThat(outputs(h)).extracting(Prediction::getStep).containsExactly(1L, 2L);
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void anyInterleavingAndBatchSizeMatchesWholeSequencePredict(boolean rocksdb) throws Exception {
        Random rnd = new Random(rocksdb ? 5 : 6);
        for (int batch : new int[]{ 1, 3, 16, 64 }) {
            Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
            List<ModelInput> stream = randomStream(rnd, 25, 30, sent);
            try (var h = open(operator(batch, 20, 0), rocksdb)) {
                long now = 0;
                for (ModelInput e : stream) {
                    h.processElement1(e, e.eventTime);
                    if (rnd.nextInt(10) == 0) {
                        now += rnd.nextInt(30); // sometimes the timeout flushes a partial batch
                        h.setProcessingTime(now);
                    }
                }
                h.endInput1();
                assertMatchesReference(outputs(h), sent);
                assertThat(stateEntries(h, rocksdb)).isEqualTo(sent.size());
            }
        }
    }

    /** Random sequences per key (5% resets), interleaved randomly but in order per key. */
    static List<ModelInput> randomStream(Random rnd, int keys, int maxLen, Map<String, List<ModelInput>> sent) {
        List<ModelInput> stream = new ArrayList<>();
        List<List<ModelInput>> pending = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            String key = "key-" + k;
            List<ModelInput> seq = new ArrayList<>();
            int len = 1 + rnd.nextInt(maxLen);
            for (int t = 0; t < len; t++) {
                seq.add(ModelInput.token(key, 1000 + t, rnd.nextInt(VOCAB), t > 0 && rnd.nextInt(20) == 0));
            }
            sent.put(key, seq);
            pending.add(new ArrayList<>(seq));
        }
        while (!pending.isEmpty()) {
            int k = rnd.nextInt(pending.size());
            stream.add(pending.get(k).remove(0));
            if (pending.get(k).isEmpty()) {
                pending.remove(k);
            }
        }
        return stream;
    }

    @Test
    void keyedStateHoldsTheModelStateAndTheStepCount() throws Exception {
        StepModel sm = StepModel.compileScalar(MODEL);
        float[] expected = sm.newState();
        float[][] scratch = { new float[VOCAB] };
        int[] tokens = { 4, 11, 2, 19, 0 };
        try (var h = open(operator(3, 10_000, 0), false)) {
            for (int t : tokens) {
                h.processElement1(ev("k", t), 1);
                h.processElement1(ev("other", (t + 1) % VOCAB), 1);
                sm.newStepper(1).stepTokens(new float[][]{ expected }, new int[]{ t }, 1, scratch);
            }
            h.endInput1();
            KeyState ks = stateOf(h, "k");
            assertThat(ks.step).isEqualTo(tokens.length);
            assertThat(ks.state).hasSize(sm.stateSize());
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) ks.state[i]).as("state[%d]", i).isCloseTo(expected[i], within(TOL));
            }
            assertThat(stateEntries(h, false)).isEqualTo(2);
        }
    }

    @Test
    void aResetEventZeroesTheKeysStateAndRestartsTheStepCount() throws Exception {
        try (var h = open(operator(8, 10_000, 0), false)) {
            List<ModelInput> a = List.of(ev("a", 1), ev("a", 2), reset("a", 3), ev("a", 4));
            for (ModelInput e : a) {
                h.processElement1(e, 1); // all four in one micro-batch: the reset lands mid-batch
            }
            h.endInput1();
            List<Prediction> out = outputs(h);
            assertThat(out).extracting(Prediction::getStep).containsExactly(1L, 2L, 1L, 2L);
            assertMatchesReference(out, Map.of("a", a));
            // after the reset the key continues exactly like a fresh key with tokens 3, 4
            List<float[]> fresh = Reference.outputs(MODEL, List.of(ev("x", 3), ev("x", 4)));
            assertThat(output(out.get(3))).usingComparatorWithPrecision(1e-6f).containsExactly(fresh.get(1));
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void idleKeysExpireAndTheirStateEntriesAreRemoved(boolean rocksdb) throws Exception {
        long ttl = 1000;
        try (var h = open(operator(1, 0, ttl), rocksdb)) {
            h.setProcessingTime(0);
            h.processElement1(ev("a", 1), 1);
            h.processElement1(ev("b", 2), 1);
            h.processElement1(ev("c", 3), 1);
            assertThat(stateEntries(h, rocksdb)).isEqualTo(3);
            h.setProcessingTime(600);
            h.processElement1(ev("a", 4), 2); // a stays alive
            h.setProcessingTime(1000);
            assertThat(stateEntries(h, rocksdb)).as("b and c expired at 1000").isEqualTo(1);
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.metrics().keysInState()).isEqualTo(1);
            h.setProcessingTime(1599);
            assertThat(stateEntries(h, rocksdb)).isEqualTo(1);
            h.setProcessingTime(1600);
            assertThat(stateEntries(h, rocksdb)).as("every key expired").isZero();
            assertThat(op.metrics().keysInState()).isZero();
            assertThat(op.metrics().expiredKeys.getCount()).isEqualTo(3);
            // an expired key starts a new sequence
            h.processElement1(ev("b", 5), 3);
            List<Prediction> out = outputs(h);
            Prediction last = out.get(out.size() - 1);
            assertThat(last.getStep()).isEqualTo(1);
            assertThat(output(last)).usingComparatorWithPrecision(1e-6f)
                    .containsExactly(Reference.outputs(MODEL, List.of(ev("b", 5))).get(0));
            assertThat(stateEntries(h, rocksdb)).isEqualTo(1);
            assertThat(h.numProcessingTimeTimers()).as("one expiry timer per live key").isEqualTo(1);
        }
    }

    @Test
    void aKeyWithEventsInTheBufferDoesNotExpire() throws Exception {
        try (var h = open(operator(100, 5000, 1000), false)) {
            h.setProcessingTime(0);
            h.processElement1(ev("a", 1), 1);
            h.setProcessingTime(5000); // flush at 5000: a is stored, timer at 6000
            h.processElement1(ev("a", 2), 2); // buffered; its flush timer fires at 10000
            h.setProcessingTime(6000); // the expiry timer fires while a has a buffered event
            assertThat(stateEntries(h, false)).isEqualTo(1);
            h.setProcessingTime(10_000);
            assertThat(outputs(h)).extracting(Prediction::getStep).containsExactly(1L, 2L);
            h.setProcessingTime(11_000);
            assertThat(stateEntries(h, false)).isZero();
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void aCheckpointFlushesTheBufferAndARestoredOperatorContinuesEveryKey(boolean rocksdb) throws Exception {
        Random rnd = new Random(11);
        Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
        List<ModelInput> stream = randomStream(rnd, 20, 20, sent);
        int cut = stream.size() / 2;
        List<Prediction> all = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = open(operator(16, 10_000, 60_000), rocksdb)) {
            for (ModelInput e : stream.subList(0, cut)) {
                h.processElement1(e, 1);
            }
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).as("every event before the barrier is stepped").hasSize(cut);
            snapshot = h.snapshot(1, 1);
            all.addAll(outputs(h));
        }
        try (var h = open(operator(16, 10_000, 60_000), rocksdb, snapshot)) {
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.metrics().keysInState()).as("keys counted after restore").isEqualTo(stateEntries(h, rocksdb));
            for (ModelInput e : stream.subList(cut, stream.size())) {
                h.processElement1(e, 2);
            }
            h.endInput1();
            all.addAll(outputs(h));
            assertThat(h.numProcessingTimeTimers()).as("expiry timers restored").isEqualTo(sent.size());
        }
        assertMatchesReference(all, sent);
    }

    @Test
    void aWatermarkIsForwardedOnlyAfterTheBufferedEventsBeforeIt() throws Exception {
        try (var h = open(operator(64, 10_000, 0), false)) {
            h.processElement1(ev("a", 1), 100);
            h.processElement1(ev("b", 1), 150);
            h.processWatermark1(new Watermark(200));
            h.processElement1(ev("a", 2), 300);
            h.endInput1();
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out).hasSize(4);
            assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
            assertThat(((StreamRecord<?>) out.get(0)).getTimestamp()).isEqualTo(100);
            assertThat(out.get(1)).isInstanceOf(StreamRecord.class);
            assertThat(out.get(2)).isEqualTo(new Watermark(200));
            assertThat(((StreamRecord<?>) out.get(3)).getTimestamp()).isEqualTo(300);
        }
    }

    @Test
    void predictionsCarryTheTopClassesAndTheModelVersion() throws Exception {
        try (var h = open(operator(1, 0, 0), false)) {
            h.processElement1(ModelInput.token("a", 1234, 5, false), 1234);
            Prediction p = outputs(h).get(0);
            float[] out = output(p);
            assertThat(p.getModelVersion()).isEqualTo(7);
            assertThat(p.getEventTime()).isEqualTo(1234);
            assertThat(p.getTopK()).hasSize(3);
            float best = Float.NEGATIVE_INFINITY;
            for (float v : out) {
                best = Math.max(best, v);
            }
            TopClass top = p.getTopK().get(0);
            assertThat(top.getProbability()).isEqualTo(best);
            assertThat(out[top.getClassId()]).isEqualTo(best);
            assertThat(p.getTopK().get(1).getProbability()).isLessThanOrEqualTo(top.getProbability());
        }
    }
}
