package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.Collections;
import java.util.List;

/**
 * Keras {@code Masking(mask_value)}: a time step whose features all equal {@code mask_value} is masked for
 * the layers after it, and its features are zeroed (Keras multiplies by the mask).
 */
public final class Masking extends Layer {
    private final float maskValue;

    private Masking(Builder b) {
        super(b, "masking");
        this.maskValue = b.maskValue;
    }

    public static Builder builder(double maskValue) {
        return new Builder(maskValue);
    }

    @Override
    public String className() {
        return "Masking";
    }

    public float maskValue() {
        return maskValue;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        if (in.get(0).length != 3)
            throw error("expected input of shape (batch, time, features), got " + Tensor.shapeString(in.get(0)));
        return List.of(in.get(0).clone());
    }

    /** Whether a feature vector is a masked step. */
    public boolean isMasked(float[] x, int off, int n) {
        for (int i = 0; i < n; i++)
            if (x[off + i] != maskValue)
                return false;
        return true;
    }

    private float[] mask(Tensor x) {
        int b = x.dim(0), t = x.dim(1), f = x.dim(2);
        float[] m = new float[b * t];
        for (int i = 0; i < b * t; i++)
            m[i] = isMasked(x.data(), i * f, f) ? 0f : 1f;
        return m;
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        float[] m = mask(x);
        int f = x.dim(2);
        float[] y = x.toArray();
        for (int i = 0; i < m.length; i++)
            if (m[i] == 0f)
                java.util.Arrays.fill(y, i * f, (i + 1) * f, 0f);
        return new LayerCall(inputs, List.of(Tensor.wrap(y, x.shape())), m);
    }

    @Override
    public List<float[]> computeMask(List<Tensor> inputs, List<float[]> masks) {
        return Collections.singletonList(mask(inputs.get(0))); // Keras replaces any incoming mask
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        float[] m = call.cache();
        Tensor g = gradOutputs.get(0);
        int f = g.dim(2);
        float[] d = g.toArray();
        for (int i = 0; i < m.length; i++)
            if (m[i] == 0f)
                java.util.Arrays.fill(d, i * f, (i + 1) * f, 0f);
        return List.of(Tensor.wrap(d, g.shape()));
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("mask_value", (double) maskValue);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final float maskValue;

        Builder(double maskValue) {
            this.maskValue = (float) maskValue;
        }

        public Masking build() {
            return new Masking(this);
        }
    }
}
