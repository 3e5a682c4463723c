package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import io.seqstream.model.ops.ActivationFunction;
import java.util.List;

/** Keras {@code Activation(name)}: an activation as a layer of its own. */
public final class Activation extends Layer {
    private final ActivationFunction fn;

    private Activation(Builder b) {
        super(b, "activation");
        this.fn = b.fn;
    }

    public static Builder builder(String activation) {
        return new Builder(ActivationFunction.of(activation));
    }

    public static Activation of(String activation) {
        return builder(activation).build();
    }

    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    public String className() {
        return "Activation";
    }

    public ActivationFunction function() {
        return fn;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        return List.of(in.get(0).clone());
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        float[] y = x.toArray();
        fn.apply(y, x.rank() == 0 ? 1 : x.dim(-1));
        return new LayerCall(inputs, List.of(Tensor.wrap(y, x.shape())), null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        Tensor x = call.inputs().get(0);
        float[] dx = new float[x.size()];
        fn.backward(x.data(), call.output().data(), gradOutputs.get(0).data(), dx, x.dim(-1));
        return List.of(Tensor.wrap(dx, x.shape()));
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("activation", fn.kerasName());
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final ActivationFunction fn;

        Builder(ActivationFunction fn) {
            this.fn = fn;
        }

        public Activation build() {
            return new Activation(this);
        }
    }
}
