package io.seqstream.apps.demo;

import io.seqstream.model.FitOptions;
import io.seqstream.model.History;
import io.seqstream.model.Provenance;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The demo's model: {@code Embedding(V, 16) -> LSTM(48, return_sequences) -> Dense(V, softmax)}, trained
 * in seconds with model-core's {@code fit} to predict the next event type of the {@link SessionGenerator}.
 */
public final class DemoModel {
    static final int EMBEDDING = 16;
    static final int UNITS = 48;
    static final int SAMPLE_LENGTH = 40;

    private DemoModel() {
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
