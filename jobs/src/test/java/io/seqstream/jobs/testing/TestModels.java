package io.seqstream.jobs.testing;

import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.SimpleRNN;

/** Small seeded models for tests, built like Keras: Embedding -> LSTM(return_sequences) -> Dense(softmax). */
public final class TestModels {
    private TestModels() {
    }

    public static Sequential tokenModel(int vocab, int embedding, int units, long seed) {
        Sequential m = new Sequential("test-tokens");
        m.add(Embedding.builder(vocab, embedding).seed(seed).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(vocab).activation("softmax").seed(seed + 2).build());
        m.build(-1);
        return m;
    }

    /** Feature input: LSTM -> SimpleRNN -> Dense(sigmoid), two recurrent layers in one state. */
    public static Sequential featureModel(int features, int outputs, long seed) {
        Sequential m = new Sequential("test-features");
        m.add(LSTM.builder(12).returnSequences(true).inputShape(-1, features).seed(seed).build());
        m.add(SimpleRNN.builder(7).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(outputs).activation("sigmoid").seed(seed + 2).build());
        return m;
    }
}
