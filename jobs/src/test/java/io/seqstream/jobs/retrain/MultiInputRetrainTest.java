package io.seqstream.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.testkit.SessionGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Retraining a model with two inputs per event (a token and two numbers): the assembler keeps both inputs of each
 * event, the trainer fine-tunes on them with model-core's multi-input fit, and its snapshot takes the job's inputs.
 */
class MultiInputRetrainTest {
    static final int V = SessionGenerator.VOCABULARY;
    static final int T = 12;

    static RetrainOptions options(RetrainTarget target, int t) {
        return new RetrainOptions(1000, 1000, target, t, 4, 1000, 20, 3, 32, 0.02, 0.25, 0.02, false, null);
    }

    /** Numbers of an event as a shop has them: an amount for a session's end, seconds since the key's last event. */
    static float[] numbers(int token, Random r) {
        float amount = token >= SessionGenerator.INTENTS + SessionGenerator.ACTIONS ? r.nextInt(20_000) / 100f : 0;
        return new float[]{ amount, r.nextInt(40) / 4f };
    }

    @Test
    void theAssemblerCutsSequencesWithEveryInputOfEachEvent() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowAssembler(options(
                RetrainTarget.NEXT_EVENT, 2), V)), ModelInput::getKey, Types.STRING);
        h.open();
        try (h) {
            for (int i = 0; i < 4; i++) {
                h.processElement(ModelInput.inputs("a", i * 100, new int[]{ i + 1 }, new float[]{ 10 * i, i / 2f }, false), i * 100);
            }
            h.processWatermark(1000);
            List<TrainingSequence> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(s -> {
                assertThat(s.tokens).containsExactly(2, 3, 4);
                assertThat(s.features).containsExactly(10, 0.5f, 20, 1, 30, 1.5f);
                assertThat(s.labels).isNull();
            });
            TrainingWindow w = TrainingWindow.of(0, 1000, 1, out);
            assertThat(w.features[0]).containsExactly(10, 0.5f, 20, 1, 30, 1.5f);
            assertThat(w.sequences().get(0).features).containsExactly(w.features[0]);
        }
    }

    /** Sequences of the session stream with their numbers, as the assembler emits them. */
    static TrainingWindow window(long end, int count, long seed) {
        Random r = new Random(seed);
        List<TrainingSequence> seqs = new ArrayList<>();
        for (int[] s : new SessionGenerator(11, seed).sequences(count, T + 1)) {
            float[] f = new float[s.length * 2];
            for (int i = 0; i < s.length; i++) {
                System.arraycopy(numbers(s[i], r), 0, f, 2 * i, 2);
            }
            seqs.add(new TrainingSequence(end - 1000, end, s, null, end - 900).withFeatures(f));
        }
        return TrainingWindow.of(end - 1000, end, count, seqs);
    }

    @Test
    void theTrainerFineTunesOnBothInputsAndPublishesASnapshotTheJobAccepts() throws Exception {
        Model untrained = TestModels.tokenAndFeaturesModel(V, 16, V, 3);
        StepModelBackend job = StepModelBackend.of(untrained, 7);
        SnapshotCheck check = new SnapshotCheck(job.inputSpecs(), V, ShapeChangePolicy.RESET, io.seqstream.jobs.trust.TrustedKeys.none());
        RetrainOperator op = new RetrainOperator(new WindowTrainer(options(RetrainTarget.NEXT_EVENT, T)), ModelFile.toBytes(untrained), 7,
                check);
        try (var h = new TwoInputStreamOperatorTestHarness<TrainingWindow, ModelUpdate, ModelSnapshot>(op)) {
            h.setup();
            h.open();
            h.processElement1(window(1000, 200, 1), 999);
            h.endInput1();
            List<ModelSnapshot> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(s -> {
                assertThat(s.getVersion()).isEqualTo(8);
                assertThat(s.getMetrics().get("after_accuracy")).isGreaterThan(s.getMetrics().get("before_accuracy") + 0.02);
                ModelUpdate u = ModelUpdate.of(s, "test");
                assertThat(check.check(u, 7, null, job.stateSize())).isInstanceOf(SnapshotCheck.Result.Accepted.class);
                StepModelBackend candidate = StepModelBackend.fromBytes(ModelSnapshots.modelBytes(s), 8, "v8");
                assertThat(candidate.inputSpecs()).isEqualTo(job.inputSpecs());
                assertThat(candidate.inputNames()).containsExactly("event_type", "numbers");
            });
        }
    }

    @Test
    void labelTargetsTrainTheTwoInputModelToo() {
        Model m = TestModels.tokenAndFeaturesModel(V, 8, 3, 5);
        TrainingWindow w = window(1000, 60, 2);
        // Labels: the class of each event's amount (none, small, large): learnable from the numbers alone.
        w.labels = new int[w.size()][];
        for (int i = 0; i < w.size(); i++) {
            w.tokens[i] = java.util.Arrays.copyOf(w.tokens[i], T);
            w.features[i] = java.util.Arrays.copyOf(w.features[i], 2 * T);
            w.labels[i] = new int[T];
            for (int t = 0; t < T; t++) {
                float amount = w.features[i][2 * t];
                w.labels[i][t] = amount == 0 ? 0 : amount < 100 ? 1 : 2;
            }
        }
        WindowTrainer trainer = new WindowTrainer(options(RetrainTarget.LABEL, T));
        var xy = trainer.multiInputExamples(m, w);
        assertThat(xy).hasSize(3);
        assertThat(xy.get(0).shape()).containsExactly(60, T);
        assertThat(xy.get(1).shape()).containsExactly(60, T, 2);
        assertThat(xy.get(2).shape()).containsExactly(60, T);
        WindowTrainer.Outcome o = trainer.train(m, 1, w, 2, line -> {
        });
        assertThat(o.trained()).isTrue();
        assertThat(o.result().candidate().inputs()).hasSize(2);
    }

    @Test
    void retrainingNeedsExactlyOneTokenInput() throws Exception {
        JobConfig on = JobConfig.fromArgs("--retrain.enabled", "true");
        RetrainPipeline.validate(StepModelBackend.of(TestModels.tokenAndFeaturesModel(V, 8, V, 1), 1), on);

        KerasTensor a = Input.create("first", new int[]{ -1, -1 }, true), b = Input.create("second", new int[]{ -1, -1 }, true);
        KerasTensor h = LSTM.builder(4).returnSequences(true).seed(1).build().apply(Concatenate.create(-1).apply(
                Embedding.builder(V, 3).seed(2).build().apply(a), Embedding.builder(V, 3).seed(3).build().apply(b)));
        Model twoTokens = new Model("two-tokens", List.of(a, b), List.of(Dense.builder(V).activation("softmax").seed(4).build().apply(h)));
        assertThatThrownBy(() -> RetrainPipeline.validate(StepModelBackend.of(twoTokens, 1), on)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly one token input").hasMessageContaining("first (token ids in [0, " + V + "))")
                .hasMessageContaining("second (token ids");
    }
}
