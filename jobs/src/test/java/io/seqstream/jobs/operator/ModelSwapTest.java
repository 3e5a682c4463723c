package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.BACKEND;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.MODEL;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.VOCAB;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.ev;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.output;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.reset;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.model.Models;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.stream.StepModel;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hot model swaps in the stepping operator, in the keyed two-input harness (events on input 1, the broadcast
 * model stream on input 2): the flush before a swap, the version on every prediction, the three key-state
 * policies, shape changes, every rejection, and the serving version across checkpoint and restore.
 */
class ModelSwapTest {
    static final double TOL = 1e-5;
    /** Same architecture as MODEL (v7), other weights. */
    static final Model SAME_SHAPES = TestModels.tokenModel(VOCAB, 6, 10, 99);
    /** Same input and outputs, a wider LSTM: another state layout. */
    static final Model WIDER = TestModels.tokenModel(VOCAB, 6, 14, 5);

    static MicroBatchStepOperator operator(int batch, SwapOptions swap) {
        return new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(batch, 10_000, 0, 3, true).withSwap(swap));
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(MicroBatchStepOperator op,
            OperatorSubtaskState restore, boolean rocksdb) throws Exception {
        return MicroBatchStepOperatorTest.open(op, rocksdb, restore);
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> open(MicroBatchStepOperator op)
            throws Exception {
        return open(op, null, false);
    }

    /** Sends a model update and waits until the operator has checked it (background thread) and applied or rejected it (a mail). */
    static void update(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, ModelUpdate u)
            throws Exception {
        h.processElement2(u, 1);
        settle(h);
    }

    static void settle(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h) throws Exception {
        MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
        MicroBatchStepOperatorTest.runMailsWhile(h, () -> op.pendingModelUpdates() > 0, "model updates checked and applied");
    }

    static List<DeadLetter> deadLetters(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h) {
        var side = h.getSideOutput(MicroBatchStepOperator.MODEL_DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** The output of {@code model} for the last of {@code tokens}, stepped from {@code state} (copied). */
    static float[] stepFrom(Model model, float[] state, int... tokens) {
        StepModel sm = StepModel.compileScalar(model);
        float[] s = state == null ? sm.newState() : state.clone();
        float[][] out = { new float[sm.outputSize()] };
        for (int t : tokens) {
            sm.newStepper(1).stepTokens(new float[][]{ s }, new int[]{ t }, 1, out);
        }
        return out[0];
    }

    static void assertClose(float[] got, float[] expected, String what) {
        assertThat(got).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) got[i]).as("%s class %d", what, i).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(TOL));
        }
    }

    @Test
    void aSwapStepsTheBufferWithTheOldModelFirstAndEveryPredictionCarriesItsVersion() throws Exception {
        try (var h = open(operator(16, SwapOptions.defaults()))) {
            h.processElement1(ev("a", 1), 1);
            h.processElement1(ev("b", 2), 1);
            h.processElement1(ev("a", 3), 1);
            assertThat(h.extractOutputValues()).as("buffered, batch not full").isEmpty();
            update(h, Snapshots.update(SAME_SHAPES, 8));
            List<Prediction> before = h.extractOutputValues();
            assertThat(before).as("the buffer is stepped before the swap").hasSize(3);
            assertThat(before).extracting(Prediction::getModelVersion).containsOnly(7L);
            assertThat(((MicroBatchStepOperator) h.getOperator()).activeVersion()).isEqualTo(8);
            h.processElement1(ev("a", 4), 2);
            h.processElement1(ev("c", 5), 2);
            h.endInput1();
            List<Prediction> all = h.extractOutputValues();
            assertThat(all).hasSize(5);
            assertThat(all.subList(3, 5)).extracting(Prediction::getModelVersion).containsOnly(8L);
            assertThat(all).filteredOn(p -> p.getKey().equals("a")).extracting(Prediction::getStep).containsExactly(1L, 2L, 3L);
            // keep: a's state from v7 (tokens 1, 3) continues under v8
            float[] aState = stateAfter(MODEL, 1, 3);
            assertClose(output(all.get(3)), stepFrom(SAME_SHAPES, aState, 4), "a after the swap (keep)");
            // a new key starts fresh under v8
            assertClose(output(all.get(4)), stepFrom(SAME_SHAPES, null, 5), "c (new key)");
            assertThat(deadLetters(h)).isEmpty();
            assertThat(stateOf(h, "a").modelVersion).isEqualTo(8);
            assertThat(stateOf(h, "b").modelVersion).as("b had no event since the swap: converted lazily").isEqualTo(7);
        }
    }

    /** The recurrent state of {@code model} after {@code tokens} from zeros. */
    static float[] stateAfter(Model model, int... tokens) {
        StepModel sm = StepModel.compileScalar(model);
        float[] s = sm.newState();
        float[][] out = { new float[sm.outputSize()] };
        for (int t : tokens) {
            sm.newStepper(1).stepTokens(new float[][]{ s }, new int[]{ t }, 1, out);
        }
        return s;
    }

    @Test
    void resetStartsEachKeyFromZerosUnderTheNewModelAndItsStepCountGoesOn() throws Exception {
        try (var h = open(operator(1, SwapOptions.defaults().withStatePolicy(SwapStatePolicy.RESET)))) {
            for (int t : new int[]{ 1, 2, 3 }) {
                h.processElement1(ev("a", t), 1);
            }
            update(h, Snapshots.update(SAME_SHAPES, 8));
            h.processElement1(ev("a", 4), 2);
            h.processElement1(ev("a", 5), 2);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).extracting(Prediction::getStep).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(out).extracting(Prediction::getModelVersion).containsExactly(7L, 7L, 7L, 8L, 8L);
            List<float[]> fresh = Reference.outputs(SAME_SHAPES, List.of(ev("x", 4), ev("x", 5)));
            assertClose(output(out.get(3)), fresh.get(0), "first event after the swap");
            assertClose(output(out.get(4)), fresh.get(1), "second event after the swap");
        }
    }

    @Test
    void rewarmReplaysTheKeysLastEventsSinceItsLastResetThroughTheNewModel() throws Exception {
        SwapOptions rewarm = SwapOptions.defaults().withStatePolicy(SwapStatePolicy.REWARM).withRewarmEvents(3);
        try (var h = open(operator(4, rewarm))) {
            // a: 5 events, ring keeps the last 3 (5, 6, 7); b: a reset two events before the swap, ring = (9, 10)
            for (int t : new int[]{ 1, 2, 5, 6, 7 }) {
                h.processElement1(ev("a", t), 1);
            }
            h.processElement1(ev("b", 8), 1);
            h.processElement1(reset("b", 9), 1);
            h.processElement1(ev("b", 10), 1);
            update(h, Snapshots.update(SAME_SHAPES, 8));
            h.processElement1(ev("a", 11), 2);
            h.processElement1(ev("b", 12), 2);
            h.processElement1(reset("c", 0), 2);
            h.endInput1();
            List<Prediction> out = h.extractOutputValues();
            Prediction a = out.stream().filter(p -> p.getKey().equals("a") && p.getModelVersion() == 8).findFirst().orElseThrow();
            Prediction b = out.stream().filter(p -> p.getKey().equals("b") && p.getModelVersion() == 8).findFirst().orElseThrow();
            assertThat(a.getStep()).isEqualTo(6);
            assertThat(b.getStep()).as("b's steps count from its reset").isEqualTo(3);
            assertClose(output(a), stepFrom(SAME_SHAPES, null, 5, 6, 7, 11), "a rewarmed with its last 3 events");
            assertClose(output(b), stepFrom(SAME_SHAPES, null, 9, 10, 12), "b rewarmed with its events since the reset");
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.metrics().keysConverted.getCount()).isEqualTo(2);
        }
    }

    @Test
    void rewarmReplaysAFeatureModelsLastEventsThroughTheNewModel() throws Exception {
        Sequential v7 = TestModels.featureModel(3, 4, 41);
        v7.build(-1);
        Sequential v8 = TestModels.featureModel(3, 4, 47);
        v8.build(-1);
        SwapOptions rewarm = SwapOptions.defaults().withStatePolicy(SwapStatePolicy.REWARM).withRewarmEvents(2);
        float[][] x = { { 0.1f, -0.2f, 0.3f }, { 0.5f, 0.4f, -0.1f }, { -0.3f, 0.2f, 0.9f }, { 0.7f, -0.6f, 0.05f } };
        try (var h = open(new MicroBatchStepOperator(StepModelBackend.of(v7, 7),
                StepOperatorOptions.of(4, 10_000, 0, 3, true).withSwap(rewarm)))) {
            for (int i = 0; i < 3; i++) {
                h.processElement1(ModelInput.features("a", 1000, x[i], false), 1);
            }
            update(h, Snapshots.update(v8, 8));
            h.processElement1(ModelInput.features("a", 1000, x[3], false), 2);
            h.endInput1();
            Prediction a = h.extractOutputValues().stream().filter(p -> p.getModelVersion() == 8).findFirst().orElseThrow();
            assertThat(a.getStep()).isEqualTo(4);
            assertClose(output(a), featuresFrom(v8, x[1], x[2], x[3]), "a rewarmed with its last 2 events (feature ring)");
            assertThat(stateOf(h, "a").recent.features).as("ring of 2 events x 3 features").hasSize(6);
            assertThat(stateOf(h, "a").recent.tokens).isNull();
        }
    }

    /** The output of {@code model} for the last of {@code events}, stepped from a fresh state. */
    static float[] featuresFrom(Model model, float[]... events) {
        StepModel sm = StepModel.compileScalar(model);
        float[] s = sm.newState();
        float[][] out = { new float[sm.outputSize()] };
        for (float[] e : events) {
            sm.newStepper(1).stepFeatures(new float[][]{ s }, new float[][]{ e }, 1, out);
        }
        return out[0];
    }

    @ParameterizedTest(name = "policy={0}")
    @ValueSource(strings = { "keep", "reset" })
    void aSnapshotWithOtherStateShapesResetsEveryKeyByDefault(String policy) throws Exception {
        SwapStatePolicy p = policy.equals("keep") ? SwapStatePolicy.KEEP : SwapStatePolicy.RESET;
        try (var h = open(operator(1, SwapOptions.defaults().withStatePolicy(p)))) {
            h.processElement1(ev("a", 1), 1);
            h.processElement1(ev("a", 2), 1);
            update(h, Snapshots.update(WIDER, 9));
            h.processElement1(ev("a", 3), 2);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out.get(2).getModelVersion()).isEqualTo(9);
            assertThat(out.get(2).getStep()).isEqualTo(3);
            assertClose(output(out.get(2)), stepFrom(WIDER, null, 3), "a after a shape change");
            assertThat(stateOf(h, "a").state).hasSize(StepModel.compile(WIDER).stateSize());
            assertThat(deadLetters(h)).isEmpty();
        }
    }

    @Test
    void aSnapshotWithOtherStateShapesIsRejectedWhenConfigured() throws Exception {
        try (var h = open(operator(1, SwapOptions.defaults().withOnShapeChange(ShapeChangePolicy.REJECT)))) {
            h.processElement1(ev("a", 1), 1);
            update(h, Snapshots.update(WIDER, 9));
            h.processElement1(ev("a", 2), 2);
            assertThat(h.extractOutputValues()).extracting(Prediction::getModelVersion).containsExactly(7L, 7L);
            assertThat(deadLetters(h)).singleElement().satisfies(d -> {
                assertThat(d.getErrorKind()).isEqualTo(ErrorKind.BAD_MODEL_SNAPSHOT);
                assertThat(d.getMessage()).contains("v9").contains("other shapes").contains("swap.on-shape-change=reject");
            });
        }
    }

    static Model outputsOf(int outputs) {
        Sequential m = new Sequential("other-outputs");
        m.add(Embedding.builder(VOCAB, 6).seed(1).build());
        m.add(LSTM.builder(10).returnSequences(true).seed(2).build());
        m.add(Dense.builder(outputs).activation("softmax").seed(3).build());
        m.build(-1);
        return m;
    }

    static ModelUpdate corrupt() {
        ModelSnapshot s = Snapshots.snapshot(SAME_SHAPES, 8);
        byte[] b = new byte[s.getModelBytes().remaining()];
        s.getModelBytes().duplicate().get(b);
        b[b.length / 2] ^= 0x5a; // one flipped byte; sha256 still describes the original
        s.setModelBytes(ByteBuffer.wrap(b));
        return Snapshots.update(s);
    }

    static ModelUpdate nonFinite() {
        Model m = Models.copy(SAME_SHAPES);
        m.trainableWeights().get(1).values()[3] = Float.NaN;
        return Snapshots.update(m, 8);
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of("corrupt (checksum)", (Function<Void, ModelUpdate>) v -> corrupt(), "checksum mismatch"),
                Arguments.of("other vocabulary",
                        (Function<Void, ModelUpdate>) v -> Snapshots.update(TestModels.tokenModel(VOCAB + 1, 6, 10, 3), 8),
                        "incompatible input"),
                Arguments.of("other output classes", (Function<Void, ModelUpdate>) v -> Snapshots.update(outputsOf(VOCAB - 5), 8),
                        "incompatible output"),
                Arguments.of("non-finite weights", (Function<Void, ModelUpdate>) v -> nonFinite(), "non-finite weight"),
                Arguments.of("not a snapshot",
                        (Function<Void, ModelUpdate>) v -> ModelUpdate.raw(new byte[]{ 1, 2, 3, 4, 5 }, "test-models"),
                        "cannot decode a ModelSnapshot"),
                Arguments.of("model bytes not a model", (Function<Void, ModelUpdate>) v -> Snapshots.update(
                        io.seqstream.jobs.retrain.ModelSnapshots.of(new byte[]{ 9, 9, 9 }, 8, null, 0, 1, java.util.Map.of(), "junk")),
                        "do not load"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void aBadSnapshotIsNotAppliedADeadLetterSaysWhyAndTheOldModelKeepsServing(String name, Function<Void, ModelUpdate> update,
            String reason) throws Exception {
        try (var h = open(operator(1, SwapOptions.defaults()))) {
            h.processElement1(ev("a", 1), 1);
            ModelUpdate u = update.apply(null);
            update(h, u);
            h.processElement1(ev("a", 2), 2);
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).extracting(Prediction::getModelVersion).containsExactly(7L, 7L);
            assertMatchesOldModel(out);
            List<DeadLetter> dead = deadLetters(h);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.getErrorKind()).isEqualTo(ErrorKind.BAD_MODEL_SNAPSHOT);
                assertThat(d.getMessage()).contains(reason).contains("test-models");
                assertThat(d.getSourceTopic()).isEqualTo("test-models");
                assertThat(d.getRawValue()).isEqualTo(ByteBuffer.wrap(u.value));
            });
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.metrics().modelsRejected.getCount()).isEqualTo(1);
            assertThat(op.activeVersion()).isEqualTo(7);
        }
    }

    static void assertMatchesOldModel(List<Prediction> out) {
        List<float[]> ref = Reference.outputs(MODEL, List.of(ev("a", 1), ev("a", 2)));
        assertClose(output(out.get(0)), ref.get(0), "event 1");
        assertClose(output(out.get(1)), ref.get(1), "event 2");
    }

    @Test
    void aVersionNotAboveTheServingOneIsIgnoredWithoutADeadLetter() throws Exception {
        try (var h = open(operator(1, SwapOptions.defaults()))) {
            update(h, Snapshots.update(SAME_SHAPES, 7));
            update(h, Snapshots.update(SAME_SHAPES, 3));
            h.processElement1(ev("a", 1), 1);
            assertThat(h.extractOutputValues()).extracting(Prediction::getModelVersion).containsExactly(7L);
            assertThat(deadLetters(h)).isEmpty();
            assertThat(((MicroBatchStepOperator) h.getOperator()).metrics().modelsStale.getCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void theServingVersionIsCheckpointedAndARestoreResumesWithIt(boolean rocksdb) throws Exception {
        OperatorSubtaskState snapshot;
        List<Prediction> all = new ArrayList<>();
        try (var h = open(operator(4, SwapOptions.defaults()), null, rocksdb)) {
            h.processElement1(ev("a", 1), 1);
            update(h, Snapshots.update(SAME_SHAPES, 8));
            h.processElement1(ev("a", 2), 2);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
            all.addAll(h.extractOutputValues());
        }
        // A new operator built with the job's model v7 restores v8 from the checkpoint.
        try (var h = open(operator(4, SwapOptions.defaults()), snapshot, rocksdb)) {
            assertThat(((MicroBatchStepOperator) h.getOperator()).activeVersion()).isEqualTo(8);
            h.processElement1(ev("a", 3), 3);
            update(h, Snapshots.update(SAME_SHAPES, 8)); // the same version again (e.g. re-read from the topic)
            h.endInput1();
            all.addAll(h.extractOutputValues());
            assertThat(deadLetters(h)).isEmpty();
        }
        assertThat(all).extracting(Prediction::getModelVersion).containsExactly(7L, 8L, 8L);
        assertThat(all).extracting(Prediction::getStep).containsExactly(1L, 2L, 3L);
        float[] afterTwo = stateAfter(MODEL, 1);
        // keep: v8 continued v7's state after token 1, then token 2, then (after the restore) token 3
        StepModel v8 = StepModel.compileScalar(SAME_SHAPES);
        float[][] out = { new float[VOCAB] };
        v8.newStepper(1).stepTokens(new float[][]{ afterTwo }, new int[]{ 2 }, 1, out);
        v8.newStepper(1).stepTokens(new float[][]{ afterTwo }, new int[]{ 3 }, 1, out);
        assertClose(output(all.get(2)), out[0], "after the restore");
    }

    @Test
    void eventsKeepFlowingWithTheOldModelWhileAnUpdateIsChecked() throws Exception {
        try (var h = open(operator(1, SwapOptions.defaults()))) {
            h.processElement2(Snapshots.update(SAME_SHAPES, 8), 1); // checked in the background, applied by a mail
            h.processElement1(ev("a", 1), 1);
            h.processElement1(ev("a", 2), 1);
            assertThat(h.extractOutputValues()).extracting(Prediction::getModelVersion).containsExactly(7L, 7L);
            settle(h);
            h.processElement1(ev("a", 3), 2);
            assertThat(h.extractOutputValues()).extracting(Prediction::getModelVersion).containsExactly(7L, 7L, 8L);
        }
    }

    @Test
    void anUpdateNotYetAppliedIsInTheCheckpointAndARestoredOperatorAppliesIt() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(operator(1, SwapOptions.defaults()))) {
            h.processElement1(ev("a", 1), 1);
            h.processElement2(Snapshots.update(SAME_SHAPES, 8), 1);
            snapshot = h.snapshot(1, 1); // before the mail that applies it
            assertThat(((MicroBatchStepOperator) h.getOperator()).activeVersion()).isEqualTo(7);
        }
        try (var h = open(operator(1, SwapOptions.defaults()), snapshot, false)) {
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.pendingModelUpdates()).isEqualTo(1);
            settle(h);
            assertThat(op.activeVersion()).isEqualTo(8);
            h.processElement1(ev("a", 2), 2);
            assertThat(h.extractOutputValues()).extracting(Prediction::getModelVersion).containsExactly(8L);
        }
    }

    @Test
    void withoutACheckpointedModelTheJobsModelServes() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(operator(4, SwapOptions.defaults()))) {
            h.processElement1(ev("a", 1), 1);
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = open(operator(4, SwapOptions.defaults()), snapshot, false)) {
            assertThat(((MicroBatchStepOperator) h.getOperator()).activeVersion()).isEqualTo(7);
        }
    }

    @Test
    void manySwapsSwitchEachKeysVersionOnceEachAndLoseNoEvent() throws Exception {
        java.util.Random rnd = new java.util.Random(3);
        java.util.Map<String, List<ModelInput>> sent = new java.util.LinkedHashMap<>();
        List<ModelInput> stream = MicroBatchStepOperatorTest.randomStream(rnd, 30, 40, sent);
        try (var h = open(operator(8, SwapOptions.defaults().withStatePolicy(SwapStatePolicy.REWARM)))) {
            long version = 7;
            for (int i = 0; i < stream.size(); i++) {
                h.processElement1(stream.get(i), 1);
                if (i % 100 == 99) {
                    update(h, Snapshots.update(++version % 2 == 0 ? SAME_SHAPES : MODEL, version));
                }
            }
            h.endInput1();
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).hasSize(stream.size());
            java.util.Map<String, List<Prediction>> byKey = new java.util.LinkedHashMap<>();
            out.forEach(p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
            // The swap after stream event i: every event before it is stepped by the old version, every later one by the new.
            java.util.Map<String, List<Long>> expectedVersions = new java.util.LinkedHashMap<>();
            for (int i = 0; i < stream.size(); i++) {
                expectedVersions.computeIfAbsent(stream.get(i).key, k -> new ArrayList<>()).add(7L + i / 100);
            }
            for (var e : sent.entrySet()) {
                List<Prediction> got = byKey.get(e.getKey());
                assertThat(got).extracting(Prediction::getStep).as("key %s steps", e.getKey())
                        .containsExactlyElementsOf(Reference.steps(e.getValue()));
                assertThat(got).extracting(Prediction::getModelVersion).as("key %s versions", e.getKey())
                        .containsExactlyElementsOf(expectedVersions.get(e.getKey()));
            }
            assertThat(version).as("swaps happened").isGreaterThan(9);
        }
    }
}
