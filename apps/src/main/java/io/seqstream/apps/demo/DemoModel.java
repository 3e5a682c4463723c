package io.seqstream.apps.demo;

import io.seqstream.model.FitOptions;
import io.seqstream.model.History;
import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Provenance;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Normalization;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The demo's model: {@code Embedding(V, 16) -> LSTM(48, return_sequences) -> Dense(V, softmax)}, trained
 * in seconds with model-core's {@code fit} to predict the next event type of the {@link SessionGenerator}.
 *
 * <p>For {@code --format json} a model with two inputs per event, as a shop's events carry them:
 * {@code Embedding(event_type) ⊕ Normalization([amount, seconds_since_last]) -> LSTM -> Dense(V, softmax)}
 * ({@link #trainTwoInput}).
 */
public final class DemoModel {
    static final int EMBEDDING = 16;
    static final int UNITS = 48;
    static final int SAMPLE_LENGTH = 40;

    /** Names of the two-input model's inputs, in order (the mapping's lookup(event_type); features(...)). */
    static final String TYPE_INPUT = "event_type";
    static final String NUMBERS_INPUT = "amount_and_seconds_since_last";

    private DemoModel() {
    }

    /**
     * The amount of an event as the demo's JSON producer writes it: a price for a session's end (a purchase),
     * 0 otherwise.
     */
    static double amount(int token, Random rnd) {
        return token >= SessionGenerator.INTENTS + SessionGenerator.ACTIONS ? Math.round(rnd.nextDouble() * 20_000) / 100.0 : 0;
    }

    /**
     * Trains the two-input model on the same synthetic sessions, each event with its amount ({@link #amount}) and
     * seconds since the key's last event (0 for a key's first, else exponential around {@code meanGapSeconds}), and
     * writes it to {@code file}.
     */
    public static Path trainTwoInput(Path file, long structureSeed, int samples, int epochs, double meanGapSeconds,
            Consumer<String> progress) {
        int v = SessionGenerator.VOCABULARY;
        int[][] seqs = new SessionGenerator(structureSeed, 12345).sequences(samples, SAMPLE_LENGTH + 1);
        Random rnd = new Random(structureSeed + 1);
        int[][] x = new int[samples][SAMPLE_LENGTH];
        float[] numbers = new float[samples * SAMPLE_LENGTH * 2];
        float[] y = new float[samples * SAMPLE_LENGTH];
        for (int n = 0; n < samples; n++) {
            for (int t = 0; t < SAMPLE_LENGTH; t++) {
                x[n][t] = seqs[n][t];
                int i = n * SAMPLE_LENGTH + t;
                numbers[2 * i] = (float) amount(seqs[n][t], rnd);
                numbers[2 * i + 1] = t == 0 ? 0 : (float) (-Math.log(1 - rnd.nextDouble()) * meanGapSeconds);
                y[i] = seqs[n][t + 1];
            }
        }
        // Normalization with the training data's mean and variance (as Keras' adapt() would set them).
        float[] mean = new float[2], var = new float[2];
        int count = samples * SAMPLE_LENGTH;
        for (int i = 0; i < count; i++) {
            mean[0] += numbers[2 * i] / count;
            mean[1] += numbers[2 * i + 1] / count;
        }
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < 2; j++) {
                float d = numbers[2 * i + j] - mean[j];
                var[j] += d * d / count;
            }
        }
        KerasTensor type = Input.create(TYPE_INPUT, new int[]{ -1, -1 }, true);
        KerasTensor nums = Input.create(NUMBERS_INPUT, new int[]{ -1, -1, 2 }, false);
        KerasTensor e = Embedding.builder(v, EMBEDDING).seed(1).build().apply(type);
        KerasTensor f = Normalization.builder().statistics(mean, var).build().apply(nums);
        KerasTensor h = LSTM.builder(UNITS).returnSequences(true).seed(2).build().apply(Concatenate.create(-1).apply(e, f));
        KerasTensor out = Dense.builder(v).activation("softmax").seed(3).build().apply(h);
        Model model = new Model("demo-next-event-two-inputs", List.of(type, nums), List.of(out));
        model.compile(Loss.of("sparse_categorical_crossentropy"), new Optimizer.Adam(0.01), "accuracy");

        long t0 = System.nanoTime();
        History hist = model.fit(List.of(Tensor.ofTokens(x), Tensor.wrap(numbers, samples, SAMPLE_LENGTH, 2)),
                List.of(Tensor.wrap(y, samples, SAMPLE_LENGTH)), FitOptions.builder().epochs(epochs).batchSize(64).validationSplit(0.1)
                        .seed(7).progress(line -> progress.accept("  training " + line)).build());
        double secs = (System.nanoTime() - t0) / 1e9;
        double acc = hist.last("val_accuracy");
        model.setProvenance(Provenance.of(String.format("seqstream demo model (event type + amount, seconds since last), %d samples"
                + " x %d steps, %d epochs", samples, SAMPLE_LENGTH, epochs), Map.of("val_accuracy", acc, "train_seconds", secs))
                .withProperty("version", "1"));
        ModelFile.save(model, file);
        progress.accept(String.format("  model trained in %.1f s: next-event accuracy %.1f%% on held-out sessions, written to %s",
                secs, 100 * acc, file));
        return file;
    }

    /** Trains a model and writes it to {@code file}; progress lines go to {@code progress}. */
    public static Path train(Path file, long structureSeed, int samples, int epochs, Consumer<String> progress) {
        int v = SessionGenerator.VOCABULARY;
        Sequential model = new Sequential("demo-next-event");
        model.add(Embedding.builder(v, EMBEDDING).seed(1).build());
        model.add(LSTM.builder(UNITS).returnSequences(true).seed(2).build());
        model.add(Dense.builder(v).activation("softmax").seed(3).build());
        model.build(-1);
        model.compile(Loss.of("sparse_categorical_crossentropy"), new Optimizer.Adam(0.01), "accuracy");

        int[][] seqs = new SessionGenerator(structureSeed, 12345).sequences(samples, SAMPLE_LENGTH + 1);
        int[][] x = new int[samples][SAMPLE_LENGTH];
        float[] y = new float[samples * SAMPLE_LENGTH];
        for (int n = 0; n < samples; n++) {
            for (int t = 0; t < SAMPLE_LENGTH; t++) {
                x[n][t] = seqs[n][t];
                y[n * SAMPLE_LENGTH + t] = seqs[n][t + 1]; // the next event is the target
            }
        }
        long t0 = System.nanoTime();
        History h = model.fit(Tensor.ofTokens(x), Tensor.wrap(y, samples, SAMPLE_LENGTH),
                FitOptions.builder().epochs(epochs).batchSize(64).validationSplit(0.1).seed(7)
                        .progress(line -> progress.accept("  training " + line)).build());
        double secs = (System.nanoTime() - t0) / 1e9;
        double acc = h.last("val_accuracy");
        model.setProvenance(Provenance.of(String.format("seqstream demo model, %d samples x %d steps, %d epochs", samples,
                SAMPLE_LENGTH, epochs), Map.of("val_accuracy", acc, "train_seconds", secs)).withProperty("version", "1"));
        ModelFile.save(model, file);
        progress.accept(String.format("  model trained in %.1f s: next-event accuracy %.1f%% on held-out sessions, written to %s",
                secs, 100 * acc, file));
        return file;
    }
}
