package io.seqstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FineTunerTest {
    /** Deterministic cycle with noise: token t is mostly followed by (t + 3) mod vocab. */
    static List<int[]> windows(int count, int length, int vocab, Random rnd) {
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = new int[length + 1];
            s[0] = rnd.nextInt(vocab);
            for (int t = 1; t <= length; t++)
                s[t] = rnd.nextDouble() < 0.9 ? (s[t - 1] + 3) % vocab : rnd.nextInt(vocab);
            w.add(s);
        }
        return w;
    }

    @Test
    void candidateBeatsOriginalOnHoldoutAndOriginalIsUntouched() {
        int vocab = 12;
        Sequential streaming = new Sequential("streaming");
        streaming.add(Embedding.builder(vocab, 8).batchInputShape(1, -1).seed(1).build());
        streaming.add(LSTM.builder(16).returnSequences(true).stateful(true).seed(2).build());
        streaming.add(Dense.builder(vocab).activation("softmax").seed(3).build());
        List<Tensor> weightsBefore = streaming.getWeights();

        SequenceExamples ex = SequenceExamples.nextEvent(windows(300, 10, vocab, new Random(5)), 10);
        List<String> lines = new ArrayList<>();
        FineTuner.Result r = FineTuner.fineTune(streaming, ex,
                FineTuner.Options.defaults().withEpochs(10).withLearningRate(0.02).withProgress(lines::add),
                "window test");
        assertThat(lines).hasSize(10).allMatch(l -> l.startsWith("Epoch"));
        assertThat(r.after().get("accuracy")).isGreaterThan(r.before().get("accuracy") + 0.3);
        assertThat(r.trainWindows() + r.holdoutWindows()).isEqualTo(300);
        assertThat(r.candidate().provenance().metrics()).containsKeys("before_accuracy", "after_accuracy");
        // the streaming model keeps its weights; the candidate runs as a stateful streaming model too
        List<Tensor> weightsAfter = streaming.getWeights();
        for (int i = 0; i < weightsBefore.size(); i++)
            assertThat(weightsAfter.get(i).data()).containsExactly(weightsBefore.get(i).data());
        Model cand = r.candidate();
        assertThat(cand.predict(Tensor.ofTokens(new int[][]{ { 1, 4, 7 } })).shape()).containsExactly(1, 3, vocab);
    }

    /** trainable=False: fit and the fine-tuner leave a frozen layer bit-identical and train the others. */
    @Test
    void frozenLayersStayBitIdentical() {
        int vocab = 12;
        Sequential m = new Sequential("frozen");
        m.add(Embedding.builder(vocab, 8).batchInputShape(1, -1).seed(1).trainable(false).build());
        m.add(io.seqstream.model.layers.GRU.builder(16).returnSequences(true).stateful(true).seed(2).build());
        m.add(Dense.builder(vocab).activation("softmax").seed(3).build());
        SequenceExamples ex = SequenceExamples.nextEvent(windows(120, 10, vocab, new Random(5)), 10);
        FineTuner.Result r = FineTuner.fineTune(m, ex, FineTuner.Options.defaults().withEpochs(2).withLearningRate(0.02).withProgress(l -> {
        }), "frozen");
        List<Tensor> before = m.getWeights(), after = r.candidate().getWeights();
        assertThat(after.get(0).data()).as("frozen embedding").containsExactly(before.get(0).data());
        for (int i = 1; i < before.size(); i++)
            assertThat(after.get(i).data()).as("weight " + i).isNotEqualTo(before.get(i).data());
        assertThat(r.candidate().layers().get(0).trainable()).isFalse();

        // plain fit, and unfreezing takes effect at the next step
        Model c = r.candidate();
        c.compile(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, new Optimizer.Adam(0.01));
        float[] emb = c.getWeights().get(0).toArray();
        c.trainOnBatch(ex.slice(0, 16).inputs(), ex.slice(0, 16).targets());
        assertThat(c.getWeights().get(0).data()).containsExactly(emb);
        c.layers().get(0).setTrainable(true);
        c.trainOnBatch(ex.slice(0, 16).inputs(), ex.slice(0, 16).targets());
        assertThat(c.getWeights().get(0).data()).isNotEqualTo(emb);
    }

    @Test
    void windowsOfTheWrongLengthAreRefused() {
        assertThatThrownBy(() -> SequenceExamples.nextEvent(List.of(new int[]{ 1, 2, 3 }), 3))
                .hasMessageContaining("window 0 has 3 tokens");
    }
}
