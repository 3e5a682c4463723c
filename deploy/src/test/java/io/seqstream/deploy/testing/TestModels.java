package io.seqstream.deploy.testing;

import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;

/** A small seeded Keras-style model: Embedding -> LSTM(return_sequences) -> Dense(softmax). */
public final class TestModels {
    private TestModels() {
    }

    public static Sequential tokenModel(int vocab, int embedding, int units, long seed) {
        Sequential m = new Sequential("deploy-e2e");
        m.add(Embedding.builder(vocab, embedding).seed(seed).build());
        m.add(LSTM.builder(units).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(vocab).activation("softmax").seed(seed + 2).build());
        m.build(-1);
        return m;
    }
}
