package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Gemm;
import java.util.List;

/** Keras {@code Dense(units, activation, use_bias)}; on inputs of rank > 2 it acts on the last axis. */
public final class Dense extends Layer {
    private final int units;
    private final ActivationFunction activation;
    private final boolean useBias;
    private Weight kernel;
    private Weight bias;
    private int inDim;

    private Dense(Builder b) {
        super(b, "dense");
        if (b.units <= 0)
            throw new IllegalArgumentException("Dense units must be positive, got " + b.units);
        this.units = b.units;
        this.activation = b.activation;
        this.useBias = b.useBias;
    }

    public static Builder builder(int units) {
        return new Builder(units);
    }

    /** {@code Dense(units, activation=...)}. */
    public static Dense of(int units, String activation) {
        return builder(units).activation(activation).build();
    }

    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    public String className() {
        return "Dense";
    }

    public int units() {
        return units;
    }

    public ActivationFunction activation() {
        return activation;
    }

    public boolean useBias() {
        return useBias;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        if (s.length < 2)
            throw error("expected input of rank >= 2 (batch, ..., features), got " + io.seqstream.model.Tensor.shapeString(s));
        if (Shapes.last(s) <= 0)
            throw error("the last input axis must be known, got " + io.seqstream.model.Tensor.shapeString(s));
        return List.of(Shapes.withLast(s, units));
    }

    @Override
    protected void createWeights(List<int[]> in) {
        inDim = Shapes.last(in.get(0));
        kernel = addWeight("kernel", inDim, units);
        if (useBias)
            bias = addWeight("bias", units);
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inDim, units, initRandom());
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        if (x.rank() < 2 || x.dim(-1) != inDim) {
            throw error("expected input with last axis " + inDim + " but got " + x.shapeString());
        }
        int rows = x.size() / inDim;
        float[] pre = new float[rows * units];
        Gemm.nn(x.data(), 0, kernel.value, 0, pre, 0, rows, inDim, units, false);
        if (useBias) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < units; j++)
                    pre[r * units + j] += bias.value[j];
            }
        }
        float[] y = activation == ActivationFunction.LINEAR ? pre : pre.clone();
        activation.apply(y, units);
        Tensor out = Tensor.wrap(y, Shapes.withLast(x.shape(), units));
        return new LayerCall(inputs, List.of(out), training ? pre : null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        Tensor x = call.inputs().get(0);
        float[] pre = call.cache();
        float[] y = call.output().data();
        int rows = x.size() / inDim;
        float[] dpre = new float[rows * units];
        activation.backward(pre, y, gradOutputs.get(0).data(), dpre, units);
        Gemm.tnAcc(x.data(), 0, dpre, 0, kernel.grad, 0, rows, inDim, units);
        if (useBias) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < units; j++)
                    bias.grad[j] += dpre[r * units + j];
            }
        }
        float[] dx = new float[rows * inDim];
        Gemm.nt(dpre, 0, kernel.value, 0, dx, 0, rows, units, inDim, false);
        return List.of(Tensor.wrap(dx, x.shape()));
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("units", units);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final int units;
        private ActivationFunction activation = ActivationFunction.LINEAR;
        private boolean useBias = true;

        Builder(int units) {
            this.units = units;
        }

        public Builder activation(String name) {
            this.activation = ActivationFunction.of(name);
            return this;
        }

        public Builder activation(ActivationFunction a) {
            this.activation = a;
            return this;
        }

        public Builder useBias(boolean v) {
            this.useBias = v;
            return this;
        }

        public Dense build() {
            return new Dense(this);
        }
    }
}
