package io.seqstream.model.stream;

import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.PackedMatrix;

/** One stage of a compiled per-step function; immutable, shared by all steppers of a model. */
sealed interface StepOp {
    /** Width of each row this stage produces. */
    int outWidth();

    /** Embedding lookup for token input (when it is not fused into the first recurrent layer). */
    record EmbeddingLookup(float[] table, int vocab, int width) implements StepOp {
        @Override
        public int outWidth() {
            return width;
        }
    }

    /**
     * An LSTM or SimpleRNN step. Input projection either from a fused token table {@code [vocab, paddedG]}
     * (embedding row times kernel plus bias, precomputed once) or from {@code kernel} plus {@code bias}.
     */
    record Recurrent(boolean lstm, int units, int inWidth, PackedMatrix kernel, float[] bias, float[] tokenTable,
            PackedMatrix recurrent, ActivationFunction activation, ActivationFunction recurrentActivation,
            int stateOffset, String layerName) implements StepOp {
        @Override
        public int outWidth() {
            return units;
        }

        int gateWidth() {
            return recurrent.paddedCols();
        }

        int stateSize() {
            return lstm ? 2 * units : units;
        }
    }

    /**
     * A GRU step. Input projection (x W + input bias, gates z, r, h) from a fused token table or from
     * {@code kernel} plus {@code bias}. With {@code resetAfter}, {@code recurrent} is R [u, 3u] and
     * {@code recurrentBias} the second bias row; otherwise {@code recurrentZr} is R's z and r columns and
     * {@code recurrentH} its h columns, applied to r * h.
     */
    record GruStep(int units, int inWidth, PackedMatrix kernel, float[] bias, float[] tokenTable, boolean resetAfter,
            PackedMatrix recurrent, float[] recurrentBias, PackedMatrix recurrentZr, PackedMatrix recurrentH,
            ActivationFunction activation, ActivationFunction recurrentActivation, int stateOffset, String layerName) implements StepOp {
        @Override
        public int outWidth() {
            return units;
        }

        /** Row stride of the input projection (3u padded to whole panels). */
        int gateWidth() {
            return bias.length;
        }
    }

    /**
     * Dense: narrow layers (few units) as row-wise dot products with the kernel transposed ([units][in]);
     * wide ones (e.g. a softmax over a vocabulary) as a packed batch product, like the recurrent kernel.
     */
    record DenseStep(float[] kernelT, PackedMatrix kernel, float[] bias, int in, int units,
            ActivationFunction activation) implements StepOp {
        @Override
        public int outWidth() {
            return units;
        }

        /** Row stride of this layer's output buffer. */
        int stride() {
            return kernel == null ? units : kernel.paddedCols();
        }
    }

    record ActivationStep(ActivationFunction activation, int width) implements StepOp {
        @Override
        public int outWidth() {
            return width;
        }
    }
}
