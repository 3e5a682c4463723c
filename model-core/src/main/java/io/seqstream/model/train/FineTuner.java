package io.seqstream.model.train;

import io.seqstream.model.FitOptions;
import io.seqstream.model.History;
import io.seqstream.model.Model;
import io.seqstream.model.Models;
import io.seqstream.model.Provenance;
import io.seqstream.model.Tensor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fine-tunes a copy of a model on a window of examples and measures the copy and the original on a
 * holdout split of the same window, so a caller can decide whether the candidate replaces the model.
 * The original is never modified.
 */
public final class FineTuner {
    /** Options: epochs, batch size, learning rate (Adam), holdout fraction, seed, progress sink. */
    public record Options(int epochs, int batchSize, double learningRate, double holdoutFraction, long seed, Consumer<String> progress) {
        public Options {
            if (epochs < 1)
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            if (batchSize < 1)
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (!(holdoutFraction > 0 && holdoutFraction < 1))
                throw new IllegalArgumentException("holdout fraction must be in (0, 1), got " + holdoutFraction);
        }

        public static Options defaults() {
            return new Options(2, 64, 0.003, 0.2, 1, System.out::println);
        }

        public Options withEpochs(int e) {
            return new Options(e, batchSize, learningRate, holdoutFraction, seed, progress);
        }

        public Options withProgress(Consumer<String> p) {
            return new Options(epochs, batchSize, learningRate, holdoutFraction, seed, p);
        }

        public Options withLearningRate(double lr) {
            return new Options(epochs, batchSize, lr, holdoutFraction, seed, progress);
        }
    }

    /** The candidate, the metrics of both models on the holdout, and the training history. */
    public record Result(Model candidate, Map<String, Double> before, Map<String, Double> after, History history, int trainWindows,
            int holdoutWindows, long millis) {
        /** Holdout accuracy gained by the candidate (negative when it is worse). */
        public double accuracyGain() {
            return after.get("accuracy") - before.get("accuracy");
        }
    }

    private FineTuner() {
    }

    public static Result fineTune(Model current, SequenceExamples examples, Options opt, String description) {
        return fineTune(current, List.of(examples.inputs()), examples.targets(), opt, description);
    }

    /**
     * Fine-tunes a model with several inputs: {@code inputs} holds one tensor per model input, in the model's input
     * order, each with the windows on axis 0 (e.g. token ids (windows, length) and features (windows, length, F));
     * {@code targets} the class ids (windows, length).
     */
    public static Result fineTune(Model current, List<Tensor> inputs, Tensor targets, Options opt, String description) {
        long t0 = System.nanoTime();
        int n = targets.dim(0);
        for (Tensor x : inputs) {
            if (x.dim(0) != n)
                throw new IllegalArgumentException("every input needs " + n + " windows (the targets'), got " + x.shapeString());
        }
        int holdout = Math.max(1, (int) Math.round(n * opt.holdoutFraction()));
        if (n - holdout < 1)
            throw new IllegalArgumentException("need at least 2 windows to fine-tune, got " + n);
        List<Tensor> trainX = slice(inputs, 0, n - holdout), testX = slice(inputs, n - holdout, n);
        List<Tensor> trainY = List.of(targets.sliceBatch(0, n - holdout)), testY = List.of(targets.sliceBatch(n - holdout, n));

        Model reference = Models.statelessCopy(current);
        reference.compile(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, new Optimizer.Adam(opt.learningRate()), "accuracy");
        Map<String, Double> before = reference.evaluate(testX, testY);

        Model candidate = Models.statelessCopy(current);
        candidate.compile(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, new Optimizer.Adam(opt.learningRate()), "accuracy");
        History h = candidate.fit(trainX, trainY,
                FitOptions.builder().epochs(opt.epochs()).batchSize(opt.batchSize()).seed(opt.seed()).progress(opt.progress()).build());
        Map<String, Double> after = candidate.evaluate(testX, testY);

        Map<String, Double> metrics = new LinkedHashMap<>();
        before.forEach((k, v) -> metrics.put("before_" + k, v));
        after.forEach((k, v) -> metrics.put("after_" + k, v));
        metrics.put("train_windows", (double) (n - holdout));
        candidate.setProvenance(new Provenance(description, Instant.now(), metrics, current.provenance().properties()));
        return new Result(candidate, before, after, h, n - holdout, holdout, (System.nanoTime() - t0) / 1_000_000);
    }

    private static List<Tensor> slice(List<Tensor> xs, int from, int to) {
        return xs.stream().map(x -> x.sliceBatch(from, to)).toList();
    }
}
