package io.seqstream.model;

import java.io.PrintStream;
import java.util.function.Consumer;

/** Keras {@code fit} arguments: batch_size, epochs, validation_split, shuffle, plus a seed and progress sink. */
public final class FitOptions {
    private final int batchSize;
    private final int epochs;
    private final double validationSplit;
    private final boolean shuffle;
    private final long seed;
    private final Consumer<String> progress;

    private FitOptions(Builder b) {
        this.batchSize = b.batchSize;
        this.epochs = b.epochs;
        this.validationSplit = b.validationSplit;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.progress = b.progress;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static FitOptions defaults() {
        return builder().build();
    }

    public int batchSize() {
        return batchSize;
    }

    public int epochs() {
        return epochs;
    }

    public double validationSplit() {
        return validationSplit;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    public Consumer<String> progress() {
        return progress;
    }

    public static final class Builder {
        private int batchSize = 32;
        private int epochs = 1;
        private double validationSplit;
        private boolean shuffle = true;
        private long seed = 42;
        private Consumer<String> progress = System.out::println;

        public Builder batchSize(int v) {
            if (v <= 0)
                throw new IllegalArgumentException("batchSize must be positive, got " + v);
            this.batchSize = v;
            return this;
        }

        public Builder epochs(int v) {
            if (v < 0)
                throw new IllegalArgumentException("epochs must be >= 0, got " + v);
            this.epochs = v;
            return this;
        }

        /** Fraction of the samples, taken from the end before shuffling (as Keras), held out for validation. */
        public Builder validationSplit(double v) {
            if (!(v >= 0 && v < 1))
                throw new IllegalArgumentException("validationSplit must be in [0, 1), got " + v);
            this.validationSplit = v;
            return this;
        }

        public Builder shuffle(boolean v) {
            this.shuffle = v;
            return this;
        }

        public Builder seed(long v) {
            this.seed = v;
            return this;
        }

        /** Where the per-epoch progress line goes (default stdout). */
        public Builder progress(Consumer<String> sink) {
            this.progress = sink;
            return this;
        }

        public Builder progress(PrintStream out) {
            this.progress = out::println;
            return this;
        }

        public Builder quiet() {
            this.progress = s -> {
            };
            return this;
        }

        public FitOptions build() {
            return new FitOptions(this);
        }
    }
}
