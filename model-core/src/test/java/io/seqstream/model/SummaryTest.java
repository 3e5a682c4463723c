package io.seqstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.SimpleRNN;
import java.util.List;
import org.junit.jupiter.api.Test;

/** summary() prints Keras' table with Keras' parameter counts. */
class SummaryTest {
    @Test
    void sequentialTableAndCounts() {
        Sequential m = new Sequential("seed");
        m.add(LSTM.builder(256).inputShape(12, 20).name("lstm").build());
        m.add(Dense.builder(10).activation("softmax").name("dense").build());
        String s = m.summary();
        // Keras: LSTM params = 4 * (units * (input + units) + units); Dense = in * out + out
        assertThat(m.layers().get(0).countParams()).isEqualTo(4L * (256 * (20 + 256) + 256));
        assertThat(s).startsWith("Model: \"seed\"\n");
        assertThat(s).contains("Layer (type)").contains("Output Shape").contains("Param #");
        assertThat(s).containsPattern(" lstm \\(LSTM\\) +\\(None, 256\\) +283,648");
        assertThat(s).containsPattern(" dense \\(Dense\\) +\\(None, 10\\) +2,570");
        assertThat(s).contains("Total params: 286,218").contains("Trainable params: 286,218").contains("Non-trainable params: 0");
    }

    @Test
    void embeddingAndSimpleRnnCounts() {
        Sequential m = new Sequential();
        m.add(Embedding.builder(1000, 64).inputLength(10).name("emb").build());
        m.add(SimpleRNN.builder(32).returnSequences(true).name("rnn").build());
        String s = m.summary();
        assertThat(s).containsPattern("emb \\(Embedding\\) +\\(None, 10, 64\\) +64,000");
        assertThat(s).containsPattern("rnn \\(SimpleRNN\\) +\\(None, 10, 32\\) +3,104"); // 64*32 + 32*32 + 32
    }

    @Test
    void functionalTableShowsConnectionsAndSharedCalls() {
        KerasTensor a = Input.create("a", new int[]{ -1, 4 }, false), b = Input.create("b", new int[]{ -1, 4 }, false);
        Dense shared = Dense.builder(3).name("shared").build();
        Model m = new Model("fn", List.of(a, b), List.of(shared.apply(a), shared.apply(b)));
        String s = m.summary();
        assertThat(s).contains("Connected to").contains("a (InputLayer)").contains("shared (Dense)");
        assertThat(s).containsPattern("shared \\(Dense\\) +\\(None, 3\\) +15 +a\\[0\\]\\[0\\]\\n +b\\[0\\]\\[0\\]");
        assertThat(s).contains("Total params: 15");
    }
}
