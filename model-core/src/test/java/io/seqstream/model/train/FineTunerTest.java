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
            for (int t = 1; t <= length; t++) s[t] = rnd.nextDouble() < 0.9 ? (s[t - 1] + 3) % vocab : rnd.nextInt(vocab);
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
        FineTuner.Result r = FineTuner.fineTune(streaming, ex, FineTuner.Options.defaults().withEpochs(10).withLearningRate(0.02).withProgress(lines::add),
                "window test");
        assertThat(lines).hasSize(10).allMatch(l -> l.startsWith("Epoch"));
        assertThat(r.after().get("accuracy")).isGreaterThan(r.before().get("accuracy") + 0.3);
        assertThat(r.trainWindows() + r.holdoutWindows()).isEqualTo(300);
        assertThat(r.candidate().provenance().metrics()).containsKeys("before_accuracy", "after_accuracy");
        // the streaming model keeps its weights; the candidate runs as a stateful streaming model too
        List<Tensor> weightsAfter = streaming.getWeights();
        for (int i = 0; i < weightsBefore.size(); i++) assertThat(weightsAfter.get(i).data()).containsExactly(weightsBefore.get(i).data());
        Model cand = r.candidate();
        assertThat(cand.predict(Tensor.ofTokens(new int[][] {{1, 4, 7}})).shape()).containsExactly(1, 3, vocab);
    }

    @Test
    void windowsOfTheWrongLengthAreRefused() {
        assertThatThrownBy(() -> SequenceExamples.nextEvent(List.of(new int[] {1, 2, 3}), 3)).hasMessageContaining("window 0 has 3 tokens");
    }
}
