package io.seqstream.jobs.testing;

import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Normalization;
import io.seqstream.model.layers.SimpleRNN;
import java.util.List;

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

    /**
     * Two inputs per step, as a shop event carries them: {@code Embedding(event_type) ⊕ Normalization([amount,
     * seconds_since_last]) -> LSTM -> Dense(softmax)}; inputs "event_type" (token ids in [0, vocab)) and "numbers"
     * (2 features).
     */
    public static Model tokenAndFeaturesModel(int vocab, int units, int outputs, long seed) {
        KerasTensor type = Input.create("event_type", new int[]{ -1, -1 }, true);
        KerasTensor numbers = Input.create("numbers", new int[]{ -1, -1, 2 }, false);
        KerasTensor e = Embedding.builder(vocab, 4).seed(seed).build().apply(type);
        KerasTensor n = Normalization.builder().statistics(new float[]{ 50, 2 }, new float[]{ 900, 4 }).build().apply(numbers);
        KerasTensor h = LSTM.builder(units).returnSequences(true).seed(seed + 1).build().apply(Concatenate.create(-1).apply(e, n));
        KerasTensor out = Dense.builder(outputs).activation("softmax").seed(seed + 2).build().apply(h);
        return new Model("test-token-and-features", List.of(type, numbers), List.of(out));
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
