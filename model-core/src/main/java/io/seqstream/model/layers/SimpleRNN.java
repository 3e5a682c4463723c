package io.seqstream.model.layers;

import io.seqstream.model.ops.ActivationFunction;

/** Keras {@code SimpleRNN(units, ...)}: an {@link RNN} over a {@link SimpleRNNCell}. */
public final class SimpleRNN extends RNN {
    private SimpleRNN(Builder b) {
        super(b.withCell(), "simple_rnn");
    }

    public static Builder builder(int units) {
        return new Builder(units);
    }

    @Override
    public String className() {
        return "SimpleRNN";
    }

    @Override
    public SimpleRNNCell cell() {
        return (SimpleRNNCell) super.cell();
    }

    public static final class Builder extends RNN.Builder<Builder> {
        private final int units;
        private ActivationFunction activation = ActivationFunction.TANH;
        private boolean useBias = true;

        Builder(int units) {
            super(null);
            this.units = units;
        }

        public Builder activation(String a) {
            this.activation = ActivationFunction.of(a);
            return this;
        }

        public Builder useBias(boolean v) {
            this.useBias = v;
            return this;
        }

        Builder withCell() {
            this.cell = new SimpleRNNCell(units, activation, useBias);
            return this;
        }

        @Override
        public SimpleRNN build() {
            return new SimpleRNN(this);
        }
    }
}
