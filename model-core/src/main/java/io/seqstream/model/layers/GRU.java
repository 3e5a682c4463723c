package io.seqstream.model.layers;

import io.seqstream.model.ops.ActivationFunction;

/** Keras {@code GRU(units, ..., reset_after=True)}: an {@link RNN} over a {@link GRUCell}. */
public final class GRU extends RNN {
    private GRU(Builder b) {
        super(b.withCell(), "gru");
    }

    public static Builder builder(int units) {
        return new Builder(units);
    }

    @Override
    public String className() {
        return "GRU";
    }

    @Override
    public GRUCell cell() {
        return (GRUCell) super.cell();
    }

    public static final class Builder extends RNN.Builder<Builder> {
        private final int units;
        private ActivationFunction activation = ActivationFunction.TANH;
        private ActivationFunction recurrentActivation = ActivationFunction.SIGMOID;
        private boolean useBias = true;
        private boolean resetAfter = true;

        Builder(int units) {
            super(null);
            this.units = units;
        }

        public Builder activation(String a) {
            this.activation = ActivationFunction.of(a);
            return this;
        }

        public Builder recurrentActivation(String a) {
            this.recurrentActivation = ActivationFunction.of(a);
            return this;
        }

        /** For Keras' {@code hard_sigmoid}, whose meaning depends on the Keras version. */
        public Builder recurrentActivation(ActivationFunction a) {
            this.recurrentActivation = a;
            return this;
        }

        public Builder useBias(boolean v) {
            this.useBias = v;
            return this;
        }

        /** Keras {@code reset_after}: True (Keras 2/3 default) applies the reset gate after the recurrent product. */
        public Builder resetAfter(boolean v) {
            this.resetAfter = v;
            return this;
        }

        Builder withCell() {
            this.cell = new GRUCell(units, activation, recurrentActivation, useBias, resetAfter);
            return this;
        }

        @Override
        public GRU build() {
            return new GRU(this);
        }
    }
}
