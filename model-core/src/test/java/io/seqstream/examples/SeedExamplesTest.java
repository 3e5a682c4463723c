package io.seqstream.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.model.FitOptions;
import io.seqstream.model.History;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The seed's two Keras examples, written with model-core (the README shows the same code). */
class SeedExamplesTest {
    // model = Sequential(); model.add(Embedding(4, 64, input_length=10))
    // input_array = np.random.randint(4, size=(4, 10)); output_array = model.predict(input_array)  # (4, 10, 64)
    @Test
    void embeddingExample() {
        Sequential model = new Sequential();
        model.add(Embedding.builder(4, 64).inputLength(10).build());
        Random rnd = new Random(0);
        int[][] input = new int[4][10];
        for (int[] row : input)
            for (int j = 0; j < 10; j++)
                row[j] = rnd.nextInt(4);
        Tensor output = model.predict(Tensor.ofTokens(input));
        assertThat(output.shape()).containsExactly(4, 10, 64);
        // each output row is the embedding row of its token
        Tensor table = model.layers().get(0).getWeights().get(0);
        for (int j = 0; j < 64; j++)
            assertThat(output.get(2, 3, j)).isEqualTo(table.get(input[2][3], j));
    }

    // model = Sequential([LSTM(256, input_shape=(12, 20)), Dense(10, activation='softmax')])
    // model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy']); model.fit(...)
    @Test
    void lstmClassifierLearnsAboveChance() {
        int timesteps = 12, features = 20, classes = 10;
        Sequential model = new Sequential();
        model.add(LSTM.builder(256).inputShape(timesteps, features).seed(1).build());
        model.add(Dense.builder(classes).activation("softmax").seed(2).build());
        model.compile("categorical_crossentropy", "adam", "accuracy");

        // Task: the class is announced at step 0 and must be remembered through 11 noisy steps.
        Tensor[] train = remembersFirstStep(640, timesteps, features, classes, new Random(7));
        List<String> progress = new ArrayList<>();
        History h = model.fit(train[0], train[1], FitOptions.builder().batchSize(32).epochs(5).validationSplit(0.2)
                .seed(3).progress(line -> {
                    progress.add(line);
                    System.out.println(line);
                }).build());
        assertThat(progress).hasSize(5);
        assertThat(progress.get(0)).startsWith("Epoch 1/5").contains("loss:").contains("accuracy:").contains("val_accuracy:");
        assertThat(h.get("loss").get(4)).isLessThan(h.get("loss").get(0));

        Tensor[] test = remembersFirstStep(300, timesteps, features, classes, new Random(99));
        double acc = model.evaluate(test[0], test[1]).get("accuracy");
        assertThat(acc).as("held-out accuracy (chance is 0.1)").isGreaterThan(0.7);
    }

    static Tensor[] remembersFirstStep(int n, int t, int f, int classes, Random rnd) {
        float[] x = new float[n * t * f];
        float[] y = new float[n * classes];
        for (int i = 0; i < n; i++) {
            int cls = rnd.nextInt(classes);
            for (int s = 0; s < t; s++)
                for (int k = 0; k < f; k++)
                    x[(i * t + s) * f + k] = (float) rnd.nextGaussian() * 0.5f;
            x[(i * t) * f + cls] += 3f;
            y[i * classes + cls] = 1f;
        }
        return new Tensor[]{ Tensor.wrap(x, n, t, f), Tensor.wrap(y, n, classes) };
    }
}
