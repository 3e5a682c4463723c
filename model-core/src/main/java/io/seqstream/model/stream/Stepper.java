package io.seqstream.model.stream;

import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Kernels;
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
    private final float[] z2; // GRU recurrent products
    private final float[] rh; // GRU (reset before) r * h
    private final int[] index; // fused single input: the token index per row
    private final boolean[] masked; // rows whose step the model masks
    private final StepBatch batch;
    private final float[][] chunkStates; // the rows of one chunk of a large batch (references only)
    private final float[][] chunkOutputs;

    /**
     * Rows per pass through the layers: a larger batch goes in chunks of this many, so the gate buffer of a chunk
     * ({@code CHUNK x 4H} floats, 128 KiB at H=128) stays in the core's L2 between the product and the gates.
     */
    static final int CHUNK = 64;

    Stepper(StepModel model, int maxBatch) {
        if (maxBatch <= 0)
            throw new IllegalArgumentException("maxBatch must be positive, got " + maxBatch);
        this.model = model;
        this.k = model.kernels();
        this.maxBatch = maxBatch;
        this.bufA = new float[maxBatch * model.maxWidth()];
        this.bufB = new float[maxBatch * model.maxWidth()];
        this.z = new float[maxBatch * Math.max(1, model.maxGate())];
        this.z2 = new float[maxBatch * Math.max(1, model.maxGate())];
        this.rh = new float[maxBatch * Math.max(1, model.maxGate())];
        this.index = new int[maxBatch];
        this.masked = new boolean[maxBatch];
        this.batch = new StepBatch(model, maxBatch);
        this.chunkStates = new float[Math.min(maxBatch, CHUNK)][];
        this.chunkOutputs = new float[Math.min(maxBatch, CHUNK)][];
        int n = model.ops().size();
        this.h = new float[n][];
        this.c = new float[n][];
        for (int i = 0; i < n; i++) {
            if (model.ops().get(i) instanceof StepOp.Recurrent r) {
                h[i] = new float[maxBatch * r.units()];
                c[i] = r.lstm() ? new float[maxBatch * r.units()] : null;
            } else if (model.ops().get(i) instanceof StepOp.GruStep r) {
                h[i] = new float[maxBatch * r.units()];
            }
        }
    }

    public StepModel model() {
        return model;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** This stepper's reusable batch of events: set one value per input for each key row, then {@link #step}. */
    public StepBatch batch() {
        return batch;
    }

    /**
     * One step for {@code n} keys, one event each with a value for every model input ({@code events}, usually
     * {@link #batch()}): {@code states[i]} is updated, {@code outputs[i]} (length {@code outputSize()}) receives
     * key i's output. The batch is cleared afterwards.
     */
    public void step(float[][] states, StepBatch events, int n, float[][] outputs) {
        check(states, n, outputs);
        events.checkComplete(n);
        try {
            assemble(events, n);
            run(states, n, outputs);
        } finally {
            events.clear(n);
        }
    }

    /**
     * One step for {@code n} keys with token events (a model with one token input): {@code states[i]} is
     * updated, {@code outputs[i]} (length {@code outputSize()}) receives key i's output.
     */
    public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
        check(states, n, outputs);
        if (!model.tokenInput())
            throw new IllegalArgumentException(model.checkToken(0).orElseThrow());
        StepInput in = model.input(0);
        for (int i = 0; i < n; i++) {
            int t = tokens[i];
            if (in.integerLookup == null && (t < 0 || t >= in.vocab)) {
                throw new IllegalArgumentException("row " + i + ": token id " + t + " is outside [0, " + in.vocab + ")");
            }
        }
        for (int i = 0; i < n; i++)
            batch.index[0][i] = in.index(tokens[i]);
        if (n <= CHUNK) {
            assemble(batch, n);
            run(states, n, outputs);
            return;
        }
        // Every row is checked before any state changes; then cache-sized chunks, each through every layer.
        int[] ids = batch.index[0];
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int m = Math.min(CHUNK, n - c0);
            System.arraycopy(ids, c0, ids, 0, m); // rows before c0 are done: the chunk's ids move to the front
            assemble(batch, m);
            runChunk(states, c0, m, outputs);
        }
    }

    /** Rows {@code c0..c0+m} of a large batch through every layer, their rows of the batch already assembled. */
    private void runChunk(float[][] states, int c0, int m, float[][] outputs) {
        System.arraycopy(states, c0, chunkStates, 0, m);
        System.arraycopy(outputs, c0, chunkOutputs, 0, m);
        try {
            run(chunkStates, m, chunkOutputs);
        } finally {
            Arrays.fill(chunkStates, null);
            Arrays.fill(chunkOutputs, null);
        }
    }

    /** One step for {@code n} keys with feature-vector events (a model with one feature input). */
    public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
        check(states, n, outputs);
        for (int i = 0; i < n; i++) {
            var err = model.checkFeatures(features[i]);
            if (err.isPresent())
                throw new IllegalArgumentException("row " + i + ": " + err.get());
        }
        for (int c0 = 0; c0 < n; c0 += CHUNK) { // cache-sized chunks, each through every layer
            int m = Math.min(CHUNK, n - c0);
            System.arraycopy(features, c0, batch.values[0], 0, m);
            try {
                assemble(batch, m);
            } finally {
                java.util.Arrays.fill(batch.values[0], 0, m, null);
            }
            if (n <= CHUNK)
                run(states, n, outputs);
            else
                runChunk(states, c0, m, outputs);
        }
    }

    private void check(float[][] states, int n, float[][] outputs) {
        if (n < 0 || n > maxBatch)
            throw new IllegalArgumentException("batch of " + n + " keys exceeds this stepper's maxBatch " + maxBatch);
        for (int i = 0; i < n; i++) {
            if (states[i].length != model.stateSize()) {
                throw new IllegalArgumentException(
                        "row " + i + ": state has length " + states[i].length + ", the model needs " + model.stateSize());
            }
            if (outputs[i].length < model.outputSize()) {
                throw new IllegalArgumentException(
                        "row " + i + ": output array has length " + outputs[i].length + ", needs " + model.outputSize());
            }
        }
    }

    /** Builds each row the first layer after the inputs reads (or the fused token indices), and the step masks. */
    private void assemble(StepBatch events, int n) {
        // Keras merges masks with "any input keeps the step": a step is masked only when every input masks it,
        // so an input that cannot mask (no mask_zero, no Masking) means no step is ever masked.
        boolean canMask = true;
        for (StepInput in : model.inputs())
            canMask &= in.maskZero || in.masking;
        java.util.Arrays.fill(masked, 0, n, canMask);
        var inputs = model.inputs();
        int w = model.rowWidth();
        for (int ii = 0; ii < inputs.size(); ii++) {
            StepInput in = inputs.get(ii);
            for (int r = 0; r < n; r++) {
                if (in.kind != StepInput.Kind.FEATURES) {
                    int id = events.index[ii][r];
                    if (!(in.maskZero && id == 0))
                        masked[r] = false;
                    if (model.fused()) {
                        index[r] = id;
                        continue;
                    }
                    System.arraycopy(in.embedding, id * in.width, bufA, r * w + in.offset, in.width);
                    if (in.scale != null)
                        normalize(in, bufA, r * w + in.offset);
                } else {
                    float[] f = events.values[ii][r];
                    int o = r * w + in.offset;
                    System.arraycopy(f, 0, bufA, o, in.featureSize);
                    if (in.masking && in.normalizeBeforeMasking)
                        normalize(in, bufA, o);
                    if (in.masking && isMaskValue(bufA, o, in.featureSize, in.maskValue)) {
                        java.util.Arrays.fill(bufA, o, o + in.featureSize, 0f);
                    } else {
                        masked[r] = false;
                    }
                    if (in.scale != null && !(in.masking && in.normalizeBeforeMasking))
                        normalize(in, bufA, o);
                }
            }
        }
    }

    private static boolean isMaskValue(float[] x, int off, int n, float v) {
        for (int i = 0; i < n; i++)
            if (x[off + i] != v)
                return false;
        return true;
    }

    private static void normalize(StepInput in, float[] x, int off) {
        for (int i = 0; i < in.width; i++)
            x[off + i] = (x[off + i] - in.shift[i]) * in.scale[i];
    }

    private void run(float[][] states, int n, float[][] outputs) {
        float[] cur = bufA;
        int stride = model.rowWidth(); // row stride of cur
        int width = stride;
        var ops = model.ops();
        for (int oi = 0; oi < ops.size(); oi++) {
            StepOp op = ops.get(oi);
            if (op instanceof StepOp.Recurrent r) {
                recurrent(r, h[oi], c[oi], states, cur, stride, n);
                cur = h[oi];
                stride = r.units();
            } else if (op instanceof StepOp.GruStep r) {
                gru(r, h[oi], states, cur, stride, n);
                cur = h[oi];
                stride = r.units();
            } else if (op instanceof StepOp.DenseStep d) {
                float[] out = cur == bufA ? bufB : bufA;
                int os = d.stride();
                if (d.kernel() != null) {
                    for (int i = 0; i < n; i++)
                        System.arraycopy(d.bias(), 0, out, i * os, os);
                    k.gemmAcc(cur, 0, stride, n, d.kernel(), out, 0, os);
                } else {
                    k.denseRows(cur, stride, n, d.in(), d.kernelT(), d.bias(), out, d.units());
                }
                activate(d.activation(), out, n, os, d.units());
                cur = out;
                stride = os;
            } else if (op instanceof StepOp.ActivationStep a) {
                activate(a.activation(), cur, n, stride, a.width());
            } else if (op instanceof StepOp.EmbeddingLookup e) {
                throw new IllegalStateException("embedding lookups are done when the row is assembled");
            }
            width = op.outWidth();
        }
        for (int i = 0; i < n; i++)
            System.arraycopy(cur, i * stride, outputs[i], 0, width);
    }

    private void activate(ActivationFunction f, float[] x, int n, int stride, int width) {
        if (f == ActivationFunction.LINEAR)
            return;
        if (f == ActivationFunction.SOFTMAX) {
            k.softmaxRows(x, n, stride, width);
        } else {
            for (int i = 0; i < n; i++)
                f.apply(x, i * stride, width, width);
        }
    }

    private void recurrent(StepOp.Recurrent r, float[] hb, float[] cb, float[][] states, float[] x, int xStride, int n) {
        int u = r.units(), g = r.gateWidth(), off = r.stateOffset();
        for (int i = 0; i < n; i++) {
            System.arraycopy(states[i], off, hb, i * u, u);
            if (r.lstm())
                System.arraycopy(states[i], off + u, cb, i * u, u);
        }
        if (r.tokenTable() != null) {
            for (int i = 0; i < n; i++)
                System.arraycopy(r.tokenTable(), index[i] * g, z, i * g, g);
        } else {
            for (int i = 0; i < n; i++)
                System.arraycopy(r.bias(), 0, z, i * g, g);
            k.gemmAcc(x, 0, xStride, n, r.kernel(), z, 0, g);
        }
        k.gemmAcc(hb, 0, u, n, r.recurrent(), z, 0, g);
        if (r.lstm()) {
            k.lstmGates(z, g, cb, hb, n, u, r.activation(), r.recurrentActivation());
        } else {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < u; j++)
                    hb[i * u + j] = r.activation().apply(z[i * g + j]);
            }
        }
        for (int i = 0; i < n; i++) {
            if (masked[i]) { // a masked step keeps the state, and the output is the previous h
                System.arraycopy(states[i], off, hb, i * u, u);
                continue;
            }
            System.arraycopy(hb, i * u, states[i], off, u);
            if (r.lstm())
                System.arraycopy(cb, i * u, states[i], off + u, u);
        }
    }

    /** A GRU step: input projection, recurrent products through the packed kernel, then the gates per row. */
    private void gru(StepOp.GruStep r, float[] hb, float[][] states, float[] x, int xStride, int n) {
        int u = r.units(), g = r.gateWidth(), off = r.stateOffset();
        ActivationFunction act = r.activation(), rec = r.recurrentActivation();
        for (int i = 0; i < n; i++)
            System.arraycopy(states[i], off, hb, i * u, u);
        if (r.tokenTable() != null) {
            for (int i = 0; i < n; i++)
                System.arraycopy(r.tokenTable(), index[i] * g, z, i * g, g);
        } else {
            for (int i = 0; i < n; i++)
                System.arraycopy(r.bias(), 0, z, i * g, g);
            k.gemmAcc(x, 0, xStride, n, r.kernel(), z, 0, g);
        }
        if (r.resetAfter()) {
            for (int i = 0; i < n; i++)
                System.arraycopy(r.recurrentBias(), 0, z2, i * g, g);
            k.gemmAcc(hb, 0, u, n, r.recurrent(), z2, 0, g);
            k.gruGatesResetAfter(z, z2, g, hb, n, u, act, rec);
        } else {
            int g2 = r.recurrentZr().paddedCols(), g1 = r.recurrentH().paddedCols();
            java.util.Arrays.fill(z2, 0, n * g2, 0f);
            k.gemmAcc(hb, 0, u, n, r.recurrentZr(), z2, 0, g2);
            // also completes z's update-gate pre-activations before z2 is reused for the candidate product
            k.gruResetGate(z, g, z2, g2, hb, rh, n, u, rec);
            java.util.Arrays.fill(z2, 0, n * g1, 0f);
            k.gemmAcc(rh, 0, u, n, r.recurrentH(), z2, 0, g1);
            k.gruUpdate(z, g, z2, g1, hb, n, u, act, rec);
        }
        for (int i = 0; i < n; i++) {
            if (masked[i]) {
                System.arraycopy(states[i], off, hb, i * u, u);
                continue;
            }
            System.arraycopy(hb, i * u, states[i], off, u);
        }
    }

    /** Zeroes a state: Keras reset_states for one key. */
    public static void reset(float[] state) {
        Arrays.fill(state, 0f);
    }
}
