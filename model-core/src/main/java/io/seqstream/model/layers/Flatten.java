package io.seqstream.model.layers;

import io.seqstream.model.Tensor;
import java.util.List;

/** Keras {@code Flatten}: (batch, d1, d2, ...) to (batch, d1*d2*...), row-major. */
public final class Flatten extends Layer {
    private Flatten(Builder b) {
        super(b, "flatten");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Flatten create() {
        return builder().build();
    }

    @Override
    public String className() {
        return "Flatten";
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        if (s.length < 2)
            throw error("expected input of rank >= 2, got " + Tensor.shapeString(s));
        int n = 1;
        for (int i = 1; i < s.length; i++) {
            if (s[i] < 0)
                throw error("all non-batch axes must be known to flatten, got " + Tensor.shapeString(s)
                        + " (give the input length, e.g. Embedding inputLength)");
            n *= s[i];
        }
        return List.of(new int[]{ s[0], n });
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        int b = x.dim(0);
        return new LayerCall(inputs, List.of(x.reshape(b, b == 0 ? 0 : x.size() / b)), null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        return List.of(gradOutputs.get(0).reshape(call.inputs().get(0).shape()));
    }

    public static final class Builder extends Layer.Builder<Builder> {
        public Flatten build() {
            return new Flatten(this);
        }
    }
}
