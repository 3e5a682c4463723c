package io.seqstream.model.stream;

import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.ActivationFunction;
import java.util.Arrays;

/**
 * Steps a batch of independent keys by one event each. Holds scratch buffers sized once, so a step
 * allocates nothing; not thread-safe: use one per thread (the {@link StepModel} itself is shared).
 *
 * <p>States are updated in place: {@code states[i]} is key i's {@code float[stateSize]}. Two events of
 * the same key must go in successive calls, never in the same batch.
 */
public final class Stepper {
    private final StepModel model;
    private final Kernels k;
    private final int maxBatch;
    private final float[] bufA;
    private final float[] bufB;
    private final float[] z;
    private final float[][] h;
    private final float[][] c;

    Stepper(StepModel model, int maxBatch) {
        if (maxBatch <= 0) throw new IllegalArgumentException("maxBatch must be positive, got " + maxBatch);
        this.model = model;
        this.k = model.kernels();
        this.maxBatch = maxBatch;
        this.bufA = new float[maxBatch * model.maxWidth()];
        this.bufB = new float[maxBatch * model.maxWidth()];
        this.z = new float[maxBatch * Math.max(1, model.maxGate())];
        int n = model.ops().size();
        this.h = new float[n][];
        this.c = new float[n][];
        for (int i = 0; i < n; i++) {
            if (model.ops().get(i) instanceof StepOp.Recurrent r) {
                h[i] = new float[maxBatch * r.units()];
                c[i] = r.lstm() ? new float[maxBatch * r.units()] : null;
            }
        }
    }

    public StepModel model() {
        return model;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * One step for {@code n} keys with token events: {@code states[i]} is updated, {@code outputs[i]}
     * (length {@code outputSize()}) receives key i's output.
     */
    public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
        check(states, n, outputs);
        if (!model.tokenInput()) throw new IllegalArgumentException(model.checkToken(0).orElseThrow());
        for (int i = 0; i < n; i++) {
            int t = tokens[i];
            if (t < 0 || t >= model.vocabularySize()) {
                throw new IllegalArgumentException("row " + i + ": token id " + t + " is outside [0, " + model.vocabularySize() + ")");
            }
        }
        run(states, tokens, null, n, outputs);
    }

    /** One step for {@code n} keys with feature-vector events. */
    public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
        check(states, n, outputs);
        for (int i = 0; i < n; i++) {
            var err = model.checkFeatures(features[i]);
            if (err.isPresent()) throw new IllegalArgumentException("row " + i + ": " + err.get());
        }
        int f = model.featureSize();
        for (int i = 0; i < n; i++) System.arraycopy(features[i], 0, bufA, i * f, f);
        run(states, null, bufA, n, outputs);
    }

    private void check(float[][] states, int n, float[][] outputs) {
        if (n < 0 || n > maxBatch) throw new IllegalArgumentException("batch of " + n + " keys exceeds this stepper's maxBatch " + maxBatch);
        for (int i = 0; i < n; i++) {
            if (states[i].length != model.stateSize()) {
                throw new IllegalArgumentException("row " + i + ": state has length " + states[i].length + ", the model needs " + model.stateSize());
            }
            if (outputs[i].length < model.outputSize()) {
                throw new IllegalArgumentException("row " + i + ": output array has length " + outputs[i].length + ", needs " + model.outputSize());
            }
        }
    }

    private void run(float[][] states, int[] tokens, float[] in, int n, float[][] outputs) {
        float[] cur = in;
        int stride = model.featureSize(); // row stride of cur
        int width = stride;
        var ops = model.ops();
        for (int oi = 0; oi < ops.size(); oi++) {
            StepOp op = ops.get(oi);
            if (op instanceof StepOp.EmbeddingLookup e) {
                for (int i = 0; i < n; i++) System.arraycopy(e.table(), tokens[i] * e.width(), bufA, i * e.width(), e.width());
                cur = bufA;
                stride = e.width();
            } else if (op instanceof StepOp.Recurrent r) {
                recurrent(r, h[oi], c[oi], states, tokens, cur, stride, n);
                cur = h[oi];
                stride = r.units();
            } else if (op instanceof StepOp.DenseStep d) {
                float[] out = cur == bufA ? bufB : bufA;
                int os = d.stride();
                if (d.kernel() != null) {
                    for (int i = 0; i < n; i++) System.arraycopy(d.bias(), 0, out, i * os, os);
                    k.gemmAcc(cur, 0, stride, n, d.kernel(), out, 0, os);
                } else {
                    k.denseRows(cur, stride, n, d.in(), d.kernelT(), d.bias(), out, d.units());
                }
                activate(d.activation(), out, n, os, d.units());
                cur = out;
                stride = os;
            } else if (op instanceof StepOp.ActivationStep a) {
                activate(a.activation(), cur, n, stride, a.width());
            }
            width = op.outWidth();
        }
        for (int i = 0; i < n; i++) System.arraycopy(cur, i * stride, outputs[i], 0, width);
    }

    private void activate(ActivationFunction f, float[] x, int n, int stride, int width) {
        if (f == ActivationFunction.LINEAR) return;
        if (f == ActivationFunction.SOFTMAX) {
            k.softmaxRows(x, n, stride, width);
        } else {
            for (int i = 0; i < n; i++) f.apply(x, i * stride, width, width);
        }
    }

    private void recurrent(StepOp.Recurrent r, float[] hb, float[] cb, float[][] states, int[] tokens, float[] x, int xStride, int n) {
        int u = r.units(), g = r.gateWidth(), off = r.stateOffset();
        for (int i = 0; i < n; i++) {
            System.arraycopy(states[i], off, hb, i * u, u);
            if (r.lstm()) System.arraycopy(states[i], off + u, cb, i * u, u);
        }
        if (r.tokenTable() != null) {
            for (int i = 0; i < n; i++) System.arraycopy(r.tokenTable(), tokens[i] * g, z, i * g, g);
        } else {
            for (int i = 0; i < n; i++) System.arraycopy(r.bias(), 0, z, i * g, g);
            k.gemmAcc(x, 0, xStride, n, r.kernel(), z, 0, g);
        }
        k.gemmAcc(hb, 0, u, n, r.recurrent(), z, 0, g);
        if (r.lstm()) {
            k.lstmGates(z, g, cb, hb, n, u, r.activation(), r.recurrentActivation());
        } else {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < u; j++) hb[i * u + j] = r.activation().apply(z[i * g + j]);
            }
        }
        for (int i = 0; i < n; i++) {
            System.arraycopy(hb, i * u, states[i], off, u);
            if (r.lstm()) System.arraycopy(cb, i * u, states[i], off + u, u);
        }
    }

    /** Zeroes a state: Keras reset_states for one key. */
    public static void reset(float[] state) {
        Arrays.fill(state, 0f);
    }
}
