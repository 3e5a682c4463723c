package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/** The source of a model input; holds its declared shape and dtype. */
public final class InputLayer extends Layer {
    private final int[] batchShape;
    private final String dtype;

    InputLayer(Builder b) {
        super(b, "input_layer");
        this.batchShape = b.shape;
        this.dtype = b.dtype;
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

    /** Whether the input holds whole numbers (int32 ids, or string indices: see StringLookup). */
    public boolean intDtype() {
        return !dtype.equals("float32");
    }

    /** int32, float32 or string. */
    public String dtype() {
        return dtype;
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
            if (d < 0)
                arr.addNull();
            else
                arr.add(d);
        }
        c.put("dtype", dtype);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final int[] shape;
        private String dtype = "float32";

        Builder(int[] batchShape) {
            this.shape = batchShape.clone();
        }

        public Builder intDtype(boolean v) {
            this.dtype = v ? "int32" : "float32";
            return this;
        }

        /** int32, float32 or string (a string input feeds a StringLookup). */
        public Builder dtype(String d) {
            if (!d.equals("int32") && !d.equals("float32") && !d.equals("string")) {
                throw new IllegalArgumentException("input dtype must be int32, float32 or string, got " + d);
            }
            this.dtype = d;
            return this;
        }

        public InputLayer build() {
            return new InputLayer(this);
        }
    }
}
