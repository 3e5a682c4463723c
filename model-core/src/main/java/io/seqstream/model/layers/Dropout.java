package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Keras {@code Dropout(rate, noise_shape, seed)}: identity at inference; in training it zeroes each unit
 * with probability {@code rate} and scales the kept ones by {@code 1/(1-rate)} (inverted dropout).
 * {@code noiseShape} axes of size 1 share one draw along that axis; -1 means the input's size.
 */
public final class Dropout extends Layer {
    private final double rate;
    private final int[] noiseShape; // null: same as input
    private final long seed;
    private final SplittableRandom random;

    private Dropout(Builder b) {
        super(b, "dropout");
        if (!(b.rate >= 0 && b.rate < 1))
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + b.rate);
        this.rate = b.rate;
        this.noiseShape = b.noiseShape;
        this.seed = b.seed;
        this.random = new SplittableRandom(b.seed);
    }

    public static Builder builder(double rate) {
        return new Builder(rate);
    }

    public static Dropout of(double rate) {
        return builder(rate).build();
    }

    @Override
    protected boolean propagatesMask() {
        return true;
    }

    @Override
    public String className() {
        return "Dropout";
    }

    public double rate() {
        return rate;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        if (noiseShape != null && noiseShape.length != in.get(0).length) {
            throw error("noise_shape " + Tensor.shapeString(noiseShape) + " has another rank than the input "
                    + Tensor.shapeString(in.get(0)));
        }
        return List.of(in.get(0).clone());
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor x = inputs.get(0);
        if (!training || rate == 0)
            return new LayerCall(inputs, inputs, null);
        int[] shape = x.shape();
        int[] ns = noiseShape == null ? shape : resolve(shape);
        float[] noise = new float[Math.toIntExact(Tensor.size(ns))];
        float scale = (float) (1.0 / (1.0 - rate));
        synchronized (random) {
            for (int i = 0; i < noise.length; i++)
                noise[i] = random.nextDouble() >= rate ? scale : 0f;
        }
        float[] mask = broadcast(noise, ns, shape);
        float[] y = x.toArray();
        for (int i = 0; i < y.length; i++)
            y[i] *= mask[i];
        return new LayerCall(inputs, List.of(Tensor.wrap(y, shape)), mask);
    }

    private int[] resolve(int[] shape) {
        int[] ns = noiseShape.clone();
        for (int i = 0; i < ns.length; i++) {
            if (ns[i] < 0)
                ns[i] = shape[i];
            else if (ns[i] != 1 && ns[i] != shape[i]) {
                throw error("noise_shape " + Tensor.shapeString(noiseShape) + " does not broadcast to input " + Tensor.shapeString(shape));
            }
        }
        return ns;
    }

    private static float[] broadcast(float[] noise, int[] ns, int[] shape) {
        int n = Math.toIntExact(Tensor.size(shape));
        if (n == noise.length)
            return noise;
        float[] out = new float[n];
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < n; flat++) {
            int src = 0;
            for (int a = 0; a < shape.length; a++)
                src = src * ns[a] + (ns[a] == 1 ? 0 : idx[a]);
            out[flat] = noise[src];
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++idx[a] < shape[a])
                    break;
                idx[a] = 0;
            }
        }
        return out;
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        float[] mask = call.cache();
        if (mask == null)
            return List.of(gradOutputs.get(0));
        float[] dy = gradOutputs.get(0).data();
        float[] dx = new float[dy.length];
        for (int i = 0; i < dx.length; i++)
            dx[i] = dy[i] * mask[i];
        return List.of(Tensor.wrap(dx, call.inputs().get(0).shape()));
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("rate", rate);
        if (noiseShape != null) {
            var a = c.putArray("noise_shape");
            for (int d : noiseShape) {
                if (d < 0)
                    a.addNull();
                else
                    a.add(d);
            }
        }
        c.put("seed", seed);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final double rate;
        private int[] noiseShape;
        private long seed = 0x5eed;

        Builder(double rate) {
            this.rate = rate;
        }

        /** With the batch axis; -1 for "as the input". */
        public Builder noiseShape(int... shape) {
            this.noiseShape = shape.clone();
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Dropout build() {
            return new Dropout(this);
        }
    }
}
