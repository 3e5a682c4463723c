package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;

/**
 * Keras {@code Normalization(axis=-1)}: {@code (x - mean) / max(sqrt(variance), 1e-7)} per feature of the last
 * axis. Adapted statistics are non-trainable weights {@code mean, variance, count} (as Keras stores them);
 * statistics given in the config ({@code mean=..., variance=...}) are constants and the layer has no weights.
 */
public final class Normalization extends Layer {
    /** Keras 3 {@code backend.epsilon()}. */
    static final float EPSILON = 1e-7f;

    private final float[] fixedMean;
    private final float[] fixedVariance;
    private Weight mean;
    private Weight variance;
    private Weight count;

    private Normalization(Builder b) {
        super(b, "normalization");
        if ((b.mean == null) != (b.variance == null))
            throw new IllegalArgumentException("Normalization needs both mean and variance, or neither");
        this.fixedMean = b.mean;
        this.fixedVariance = b.variance;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String className() {
        return "Normalization";
    }

    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        if (s.length < 2 || s[s.length - 1] < 0)
            throw error("the last axis of the input must be known, got " + Tensor.shapeString(s));
        int f = s[s.length - 1];
        if (fixedMean != null && fixedMean.length != 1 && fixedMean.length != f) {
            throw error("mean has " + fixedMean.length + " values but the input has " + f + " features");
        }
        return List.of(s.clone());
    }

    @Override
    protected void createWeights(List<int[]> in) {
        if (fixedMean != null)
            return;
        int f = in.get(0)[in.get(0).length - 1];
        mean = addWeight("mean", f).frozen();
        variance = addWeight("variance", f).frozen();
        java.util.Arrays.fill(variance.value, 1f);
        count = addWeight("count").frozen();
    }

    /** Per-feature shift {@code -mean/sd} and scale {@code 1/sd} for the built feature count. */
    public float[][] affine() {
        int f = builtInputShapes().get(0)[builtInputShapes().get(0).length - 1];
        float[] scale = new float[f], shift = new float[f];
        for (int i = 0; i < f; i++) {
            float m = fixedMean != null ? fixedMean[fixedMean.length == 1 ? 0 : i] : mean.value[i];
            float v = fixedVariance != null ? fixedVariance[fixedVariance.length == 1 ? 0 : i] : variance.value[i];
            float sd = Math.max((float) Math.sqrt(v), EPSILON);
            scale[i] = 1f / sd;
            shift[i] = m;
        }
        return new float[][]{ scale, shift };
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        float[][] a = affine();
        int f = a[0].length;
        float[] y = x.toArray();
        for (int i = 0; i < y.length; i++)
            y[i] = (y[i] - a[1][i % f]) * a[0][i % f];
        return new LayerCall(inputs, List.of(Tensor.wrap(y, x.shape())), a[0]);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        float[] scale = call.cache();
        Tensor g = gradOutputs.get(0);
        float[] d = g.toArray();
        for (int i = 0; i < d.length; i++)
            d[i] *= scale[i % scale.length];
        return List.of(Tensor.wrap(d, g.shape()));
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.putArray("axis").add(-1);
        c.put("invert", false);
        if (fixedMean != null) {
            var m = c.putArray("mean");
            for (float v : fixedMean)
                m.add(v);
            var v2 = c.putArray("variance");
            for (float v : fixedVariance)
                v2.add(v);
        } else {
            c.putNull("mean");
            c.putNull("variance");
        }
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private float[] mean;
        private float[] variance;

        /** Fixed statistics (Keras {@code Normalization(mean=..., variance=...)}); otherwise set them as weights. */
        public Builder statistics(float[] mean, float[] variance) {
            this.mean = mean.clone();
            this.variance = variance.clone();
            return this;
        }

        public Normalization build() {
            return new Normalization(this);
        }
    }
}
