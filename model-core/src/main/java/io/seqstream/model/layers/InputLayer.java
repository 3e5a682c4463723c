package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/** The source of a model input; holds its declared shape and dtype. */
public final class InputLayer extends Layer {
    private final int[] batchShape;
    private final boolean intDtype;

    InputLayer(Builder b) {
        super(b, "input_layer");
        this.batchShape = b.shape;
        this.intDtype = b.intDtype;
    }

    public static Builder builder(int... batchShape) {
        return new Builder(batchShape);
    }

    @Override
    public String className() {
        return "InputLayer";
    }

    public int[] batchShape() {
        return batchShape.clone();
    }

    public boolean intDtype() {
        return intDtype;
    }

    @Override
    protected int minInputs() {
        return 0;
    }

    @Override
    protected int maxInputs() {
        return 0;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> inputShapes) {
        return List.of(batchShape.clone());
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        return new LayerCall(inputs, inputs, null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        return List.of();
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        var arr = c.putArray("batch_shape");
        for (int d : batchShape) {
            if (d < 0) arr.addNull(); else arr.add(d);
        }
        c.put("dtype", intDtype ? "int32" : "float32");
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final int[] shape;
        private boolean intDtype;

        Builder(int[] batchShape) {
            this.shape = batchShape.clone();
        }

        public Builder intDtype(boolean v) {
            this.intDtype = v;
            return this;
        }

        public InputLayer build() {
            return new InputLayer(this);
        }
    }
}
