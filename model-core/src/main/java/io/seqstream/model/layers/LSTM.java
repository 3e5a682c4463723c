package io.seqstream.model.layers;

import io.seqstream.model.ops.ActivationFunction;

/** Keras {@code LSTM(units, ...)}: an {@link RNN} over an {@link LSTMCell}. */
public final class LSTM extends RNN {
    private LSTM(Builder b) {
        super(b.withCell(), "lstm");
    }

    public static Builder builder(int units) {
        return new Builder(units);
    }

    @Override
    public String className() {
        return "LSTM";
    }

    @Override
    public LSTMCell cell() {
        return (LSTMCell) super.cell();
    }

    public static final class Builder extends RNN.Builder<Builder> {
        private final int units;
        private ActivationFunction activation = ActivationFunction.TANH;
        private ActivationFunction recurrentActivation = ActivationFunction.SIGMOID;
        private boolean useBias = true;

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

        public Builder useBias(boolean v) {
            this.useBias = v;
            return this;
        }

        Builder withCell() {
            this.cell = new LSTMCell(units, activation, recurrentActivation, useBias);
            return this;
        }

        @Override
        public LSTM build() {
            return new LSTM(this);
        }
    }
}
