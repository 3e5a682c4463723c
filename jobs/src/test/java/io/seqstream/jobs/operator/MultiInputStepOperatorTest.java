package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.open;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.output;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.outputs;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.mapping.InputDecoders;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model with two inputs per event (an event type through a lookup vocabulary and two numeric fields) in the
 * stepping operator, fed from JSON records through the job's field mapping, in Flink's keyed harness (no broker):
 * predictions against model-core predict(), key state across checkpoint and restore, rewarm after a hot swap,
 * swap input checks, dead letters for missing numbers, and the config errors for what the job cannot feed it.
 */
class MultiInputStepOperatorTest {
    static final List<String> TYPES = List.of("view", "search", "add_to_cart", "checkout", "refund");
    static final int VOCAB = TYPES.size() + 1; // index 0 is the OOV index
    static final Model MODEL = TestModels.tokenAndFeaturesModel(VOCAB, 8, 5, 31);
    static final StepModelBackend BACKEND = StepModelBackend.of(MODEL, 7);
    static final double TOL = 1e-5;

    @TempDir
    Path dir;

    JobConfig config(String... extra) throws Exception {
        Path vocab = dir.resolve("types.txt");
        Files.write(vocab, TYPES);
        List<String> args = new ArrayList<>(List.of("--input.format", "json", "--mapping.key", "user", "--mapping.event-time", "ts",
                "--mapping.inputs", "lookup(event_type); features(amount, seconds_since_last)", "--mapping.vocabularies",
                "event_type:" + vocab, "--mapping.reset", "session_start == true"));
        args.addAll(List.of(extra));
        return JobConfig.fromArgs(args.toArray(String[]::new));
    }

    static byte[] json(String user, long ts, String type, double amount, double secondsSinceLast, boolean sessionStart) {
        return ("{\"user\":\"" + user + "\",\"ts\":" + ts + ",\"event_type\":\"" + type + "\",\"amount\":" + amount
                + ",\"seconds_since_last\":" + secondsSinceLast + ",\"session_start\":" + sessionStart + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code n} JSON events of {@code keys} keys, interleaved at random, decoded by the job's decoder; some resets, some OOV types. */
    List<ModelInput> events(IngestDecoder decoder, int keys, int n, long seed) {
        Random r = new Random(seed);
        List<ModelInput> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String type = r.nextInt(8) == 0 ? "unknown_type" : TYPES.get(r.nextInt(TYPES.size()));
            byte[] v = json("u" + r.nextInt(keys), 1000 + i, type, Math.round(r.nextDouble() * 20_000) / 100.0, r.nextInt(30) / 4.0,
                    i > keys && r.nextInt(12) == 0);
            Ingested in = decoder.decode("shop", 0, i, 0, null, v);
            assertThat(in.isDeadLetter()).as("record %d", i).isFalse();
            out.add(in.input);
        }
        return out;
    }

    static Map<String, List<ModelInput>> byKey(List<ModelInput> events) {
        Map<String, List<ModelInput>> m = new LinkedHashMap<>();
        for (ModelInput e : events) {
            m.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e);
        }
        return m;
    }

    static void assertMatchesPredict(Model model, List<Prediction> got, List<ModelInput> sent) {
        Map<String, List<ModelInput>> sentByKey = byKey(sent);
        Map<String, List<Prediction>> gotByKey = new LinkedHashMap<>();
        for (Prediction p : got) {
            gotByKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
        }
        assertThat(gotByKey.keySet()).containsExactlyInAnyOrderElementsOf(sentByKey.keySet());
        for (var e : sentByKey.entrySet()) {
            List<float[]> ref = Reference.outputs(model, e.getValue());
            List<Long> steps = Reference.steps(e.getValue());
            List<Prediction> p = gotByKey.get(e.getKey());
            assertThat(p).as("predictions of %s", e.getKey()).hasSize(ref.size());
            for (int t = 0; t < ref.size(); t++) {
                assertThat(p.get(t).getStep()).isEqualTo(steps.get(t));
                float[] o = output(p.get(t));
                for (int j = 0; j < o.length; j++) {
                    assertThat((double) o[j]).as("key %s event %d class %d", e.getKey(), t, j).isCloseTo(ref.get(t)[j], within(TOL));
                }
            }
        }
    }

    static MicroBatchStepOperator operator(int batch, SwapOptions swap) {
        return new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(batch, 10_000, 60_000, 3, true).withSwap(swap));
    }

    @Test
    void oneJsonEventCarriesBothInputsOfTheModel() throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), BACKEND.inputSpecs());
        Ingested i = d.decode("shop", 1, 9, 0, null, json("u1", 5, "checkout", 12.5, 3.25, false));

        assertThat(i.input.isMultiInput()).isTrue();
        assertThat(i.input.tokens).containsExactly(TYPES.indexOf("checkout") + 1);
        assertThat(i.input.features).containsExactly(12.5f, 3.25f);
        assertThat(i.input.token).isEqualTo(-1);
        assertThat(i.input.hasFeatures()).as("not a one-input feature event").isFalse();
        assertThat(BACKEND.inputSpecs()).containsExactly(InputSpec.tokens(VOCAB), InputSpec.features(2));
        assertThat(BACKEND.description()).contains("event_type (token ids in [0, 6))", "numbers (feature vectors of length 2)");
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = { false, true })
    void keysOfJsonEventsMatchPredictAcrossACheckpointAndRestore(boolean rocksdb) throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), BACKEND.inputSpecs());
        List<ModelInput> sent = events(d, 7, 120, 3);
        SwapOptions rewarm = SwapOptions.defaults().withStatePolicy(SwapStatePolicy.REWARM).withRewarmEvents(4);
        int cut = 70;
        List<Prediction> got = new ArrayList<>();
        OperatorSubtaskState snapshot;
        try (var h = open(operator(5, rewarm), rocksdb, null)) {
            for (int i = 0; i < cut; i++) {
                h.processElement1(sent.get(i), i);
            }
            snapshot = h.snapshot(1, 1);
            got.addAll(outputs(h));
            KeyState ks = stateOf(h, sent.get(0).key);
            assertThat(ks.recent.tokens).as("rewarm ring: one token id per event").hasSize(4);
            assertThat(ks.recent.features).as("rewarm ring: two numbers per event").hasSize(8);
        }
        try (var h = open(operator(5, rewarm), rocksdb, snapshot)) {
            for (int i = cut; i < sent.size(); i++) {
                h.processElement1(sent.get(i), i);
            }
            h.endInput1();
            got.addAll(outputs(h));
        }
        assertThat(got).hasSize(sent.size());
        assertMatchesPredict(MODEL, got, sent);
    }

    @Test
    void rewarmAfterASwapReplaysBothInputsOfTheKeysLastEvents() throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), BACKEND.inputSpecs());
        List<ModelInput> sent = events(d, 1, 6, 11);
        sent.replaceAll(e -> ModelInput.inputs(e.key, e.eventTime, e.tokens, e.features, false)); // no reset: the ring spans all
        Model next = TestModels.tokenAndFeaturesModel(VOCAB, 8, 5, 77);
        SwapOptions rewarm = SwapOptions.defaults().withStatePolicy(SwapStatePolicy.REWARM).withRewarmEvents(3);
        try (var h = open(operator(1, rewarm), false, null)) {
            for (int i = 0; i < 5; i++) {
                h.processElement1(sent.get(i), i);
            }
            ModelSwapTest.update(h, Snapshots.update(next, 8));
            assertThat(ModelSwapTest.deadLetters(h)).isEmpty();
            h.processElement1(sent.get(5), 5);
            h.endInput1();
            List<Prediction> out = outputs(h);
            Prediction last = out.get(out.size() - 1);
            assertThat(last.getModelVersion()).isEqualTo(8L);
            // the new model stepped from zeros over the last 3 events before the swap, then the new event
            List<float[]> ref = Reference.outputs(next, sent.subList(2, 6));
            ModelSwapTest.assertClose(output(last), ref.get(3), "rewarmed with events 2..4, then event 5");
        }
    }

    @Test
    void aSnapshotTakingOtherInputsIsRejectedNamingThem() throws Exception {
        try (var h = open(operator(4, SwapOptions.defaults()), false, null)) {
            ModelSwapTest.update(h, Snapshots.update(TestModels.tokenModel(VOCAB, 4, 8, 3), 8));
            ModelSwapTest.update(h, Snapshots.update(TestModels.tokenAndFeaturesModel(VOCAB + 1, 8, 5, 3), 9));
            List<DeadLetter> dead = ModelSwapTest.deadLetters(h);
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).getMessage()).contains("incompatible input: it takes token ids in [0, 6), the job's events are 2 inputs"
                    + " [token ids in [0, 6), feature vectors of length 2]");
            assertThat(dead.get(1).getMessage()).contains("it takes 2 inputs [token ids in [0, 7), feature vectors of length 2]");
            assertThat(((MicroBatchStepOperator) h.getOperator()).activeVersion()).isEqualTo(7);
        }
    }

    @Test
    void aMissingNumericFieldIsADeadLetterNamingTheFieldAndOffset() throws Exception {
        IngestDecoder d = InputDecoders.forJob(config(), BACKEND.inputSpecs());
        byte[] v = "{\"user\":\"u1\",\"ts\":5,\"event_type\":\"view\",\"amount\":2.5}".getBytes(StandardCharsets.UTF_8);

        Ingested i = d.decode("shop", 3, 41, 0, null, v);

        assertThat(i.isDeadLetter()).isTrue();
        assertThat(i.deadLetter.getErrorKind()).isEqualTo(ErrorKind.MISSING_FIELD);
        assertThat(i.deadLetter.getMessage())
                .isEqualTo("shop/3@41: field 'seconds_since_last' is missing; expected a number (feature 1 of input 2)");
        assertThat(i.deadLetter.getOffset()).isEqualTo(41);
    }

    @Test
    void theJobRefusesWhatItCannotFeedWithOneLineErrors() throws Exception {
        assertThatThrownBy(() -> InputDecoders.forJob(JobConfig.defaults(), BACKEND.inputSpecs())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("input.format=seqstream").hasMessageContaining("2 inputs per event");
        assertThatThrownBy(() -> InputDecoders.forJob(config("--mapping.inputs", "lookup(event_type)"), BACKEND.inputSpecs()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the model has 2");
    }
}
