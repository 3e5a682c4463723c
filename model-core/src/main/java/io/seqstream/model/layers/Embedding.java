package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/** Keras {@code Embedding(input_dim, output_dim, input_length)}: integer ids to rows of a table. */
public final class Embedding extends Layer {
    private final int inputDim;
    private final int outputDim;
    private final int inputLength; // -1: any
    private final boolean maskZero;
    private Weight embeddings;

    private Embedding(Builder b) {
        super(b.inputLength > 0 && b.batchInputShape == null ? b.inputShape(b.inputLength).intInput(true) : b.intInput(true), "embedding");
        if (b.inputDim <= 0 || b.outputDim <= 0) {
            throw new IllegalArgumentException("Embedding needs inputDim > 0 and outputDim > 0, got " + b.inputDim + ", " + b.outputDim);
        }
        this.inputDim = b.inputDim;
        this.outputDim = b.outputDim;
        this.inputLength = b.inputLength;
        this.maskZero = b.maskZero;
    }

    public static Builder builder(int inputDim, int outputDim) {
        return new Builder(inputDim, outputDim);
    }

    @Override
    public String className() {
        return "Embedding";
    }

    public int inputDim() {
        return inputDim;
    }

    public int outputDim() {
        return outputDim;
    }

    /** Keras {@code mask_zero}: id 0 is padding, masked for the layers after this one. */
    public boolean maskZero() {
        return maskZero;
    }

    @Override
    public List<float[]> computeMask(List<Tensor> inputs, List<float[]> masks) {
        if (!maskZero)
            return null;
        float[] ids = inputs.get(0).data();
        float[] m = new float[ids.length];
        for (int i = 0; i < ids.length; i++)
            m[i] = ids[i] == 0f ? 0f : 1f;
        return java.util.Collections.singletonList(m);
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        if (s.length < 1)
            throw error("expected input of rank >= 1, got " + Tensor.shapeString(s));
        if (inputLength > 0 && s.length == 2 && s[1] >= 0 && s[1] != inputLength) {
            throw error("input_length is " + inputLength + " but the input has shape " + Tensor.shapeString(s));
        }
        return List.of(Shapes.append(s, outputDim));
    }

    @Override
    protected void createWeights(List<int[]> in) {
        embeddings = addWeight("embeddings", inputDim, outputDim);
        io.seqstream.model.ops.Initializers.uniform(embeddings.value, 0.05, initRandom());
    }

    /** Validates one id: whole number in [0, inputDim). */
    public int checkId(float v, int flatIndex) {
        int id = (int) v;
        if (id != v || id < 0 || id >= inputDim) {
            throw error("token id " + (Float.isFinite(v) && v == Math.rint(v) ? Long.toString((long) v) : Float.toString(v))
                    + " at flat index " + flatIndex + " is outside [0, " + inputDim + ")");
        }
        return id;
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        float[] ids = x.data();
        float[] y = new float[ids.length * outputDim];
        for (int i = 0; i < ids.length; i++) {
            int id = checkId(ids[i], i);
            System.arraycopy(embeddings.value, id * outputDim, y, i * outputDim, outputDim);
        }
        return new LayerCall(inputs, List.of(Tensor.wrap(y, Shapes.append(x.shape(), outputDim))), null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        float[] ids = call.inputs().get(0).data();
        float[] dy = gradOutputs.get(0).data();
        for (int i = 0; i < ids.length; i++) {
            int row = (int) ids[i] * outputDim;
            for (int j = 0; j < outputDim; j++)
                embeddings.grad[row + j] += dy[i * outputDim + j];
        }
        return java.util.Collections.singletonList(null); // ids have no gradient
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("input_dim", inputDim);
        c.put("output_dim", outputDim);
        if (inputLength > 0)
            c.put("input_length", inputLength);
        if (maskZero)
            c.put("mask_zero", true);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final int inputDim;
        private final int outputDim;
        private int inputLength = -1;
        private boolean maskZero;

        Builder(int inputDim, int outputDim) {
            this.inputDim = inputDim;
            this.outputDim = outputDim;
        }

        /** Keras {@code input_length}: fixes the sequence length of the input. */
        public Builder inputLength(int n) {
            this.inputLength = n;
            return this;
        }

        /** Keras {@code mask_zero}: id 0 is padding and masks its time step. */
        public Builder maskZero(boolean v) {
            this.maskZero = v;
            return this;
        }

        public Embedding build() {
            return new Embedding(this);
        }
    }
}
