package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.FastGemm;
import io.seqstream.model.ops.Gemm;
import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.PackedMatrix;

/**
 * Keras' LSTM cell. Weights in Keras layout and gate order i, f, c (candidate), o:
 * {@code kernel} [in, 4u], {@code recurrent_kernel} [u, 4u], {@code bias} [4u].
 */
public final class LSTMCell extends RecurrentCell {
    private final ActivationFunction recurrentActivation;
    private Weight kernel;
    private Weight recurrentKernel;
    private Weight bias;

    public LSTMCell(int units, ActivationFunction activation, ActivationFunction recurrentActivation, boolean useBias) {
        super(units, activation, useBias);
        if (!recurrentActivation.elementWise())
            throw new IllegalArgumentException("LSTM recurrent_activation must be element-wise, got softmax");
        this.recurrentActivation = recurrentActivation;
    }

    /** Keras defaults: tanh, sigmoid, bias. */
    public LSTMCell(int units) {
        this(units, ActivationFunction.TANH, ActivationFunction.SIGMOID, true);
    }

    @Override
    public String kerasName() {
        return "LSTMCell";
    }

    public ActivationFunction recurrentActivation() {
        return recurrentActivation;
    }

    @Override
    public int stateCount() {
        return 2;
    }

    @Override
    public String[] stateNames() {
        return new String[]{ "h", "c" };
    }

    public Weight kernel() {
        return kernel;
    }

    public Weight recurrentKernel() {
        return recurrentKernel;
    }

    /** Empty optional when {@code useBias} is false. */
    public java.util.Optional<Weight> bias() {
        return java.util.Optional.ofNullable(bias);
    }

    @Override
    void build(int inputDim, Layer owner, java.util.SplittableRandom rnd) {
        this.inputDim = inputDim;
        kernel = owner.addWeight("kernel", inputDim, 4 * units);
        recurrentKernel = owner.addWeight("recurrent_kernel", units, 4 * units);
        if (useBias)
            bias = owner.addWeight("bias", 4 * units);
        // Keras defaults: glorot_uniform kernel, orthogonal recurrent kernel, unit_forget_bias.
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inputDim, 4 * units, rnd);
        io.seqstream.model.ops.Initializers.orthogonal(recurrentKernel.value, units, 4 * units, rnd);
        if (bias != null)
            java.util.Arrays.fill(bias.value, units, 2 * units, 1f);
    }

    /** Time-major buffers of one sequence run: pre-activations, gate outputs, c and h for t = 0..T. */
    private record Cache(float[] xT, float[] pre, float[] act, float[] c, float[] h, float[] tanhC, float[] mask) {
    }

    // Layout: time-major [T, B, ...] so that every step's product over the batch is one matrix product.
    @Override
    Sequence forward(float[] x, int batch, int time, float[][] init, boolean keep, float[] mask) {
        int u = units, g = 4 * u, d = inputDim, bu = batch * u, bg = batch * g;
        float[] xT = toTimeMajor(x, batch, time, d);
        float[] z = new float[time * bg];
        if (bias != null) {
            for (int r = 0; r < batch * time; r++)
                System.arraycopy(bias.value, 0, z, r * g, g);
        }
        Gemm.nn(xT, 0, kernel.value, 0, z, 0, batch * time, d, g, true);
        float[] h = new float[(time + 1) * bu];
        float[] c = new float[(time + 1) * bu];
        System.arraycopy(init[0], 0, h, 0, bu);
        System.arraycopy(init[1], 0, c, 0, bu);
        // Gate outputs and act(c) per step for the backward pass; without it the gates overwrite z in place.
        float[] act = keep ? new float[time * bg] : z;
        float[] tanhC = new float[keep ? time * bu : bu];
        PackedMatrix rec = FastGemm.pack(recurrentKernel.value, u, g);
        Kernels kn = FastGemm.kernels();
        for (int t = 0; t < time; t++) {
            FastGemm.mulAcc(h, t * bu, u, batch, rec, z, t * bg);
            if (mask == null) {
                kn.lstmGatesForward(z, t * bg, c, t * bu, (t + 1) * bu, h, (t + 1) * bu, act, tanhC, keep ? t * bu : 0, batch, u,
                        activation, recurrentActivation);
            } else { // masked steps carry state: the scalar gate loop, then the carry
                for (int b = 0; b < batch; b++) {
                    int zo = t * bg + b * g, prev = t * bu + b * u, next = prev + bu;
                    for (int j = 0; j < u; j++) {
                        float ig = recurrentActivation.apply(z[zo + j]);
                        float fg = recurrentActivation.apply(z[zo + u + j]);
                        float cg = activation.apply(z[zo + 2 * u + j]);
                        float og = recurrentActivation.apply(z[zo + 3 * u + j]);
                        float ct = fg * c[prev + j] + ig * cg;
                        float tc = activation.apply(ct);
                        c[next + j] = ct;
                        h[next + j] = og * tc;
                        if (keep) {
                            act[zo + j] = ig;
                            act[zo + u + j] = fg;
                            act[zo + 2 * u + j] = cg;
                            act[zo + 3 * u + j] = og;
                            tanhC[t * bu + b * u + j] = tc;
                        }
                    }
                }
                Masks.carry(mask, t, time, batch, u, h, t * bu, (t + 1) * bu);
                Masks.carry(mask, t, time, batch, u, c, t * bu, (t + 1) * bu);
            }
        }
        float[] outputs = fromTimeMajor(h, bu, batch, time, u);
        float[] hT = java.util.Arrays.copyOfRange(h, time * bu, (time + 1) * bu);
        float[] cT = java.util.Arrays.copyOfRange(c, time * bu, (time + 1) * bu);
        return new Sequence(x, batch, time, outputs, new float[][]{ hT, cT }, keep ? new Cache(xT, z, act, c, h, tanhC, mask) : null);
    }

    @Override
    float[] backward(Sequence seq, float[] dHs, float[][] dFinal) {
        Cache k = (Cache) seq.cache;
        int u = units, g = 4 * u, d = inputDim, batch = seq.batch, time = seq.time, bu = batch * u, bg = batch * g;
        float[] dz = new float[time * bg];
        float[] dh = new float[bu];
        float[] dcNext = new float[bu];
        float[] dhKeep = new float[bu];
        if (dFinal[0] != null)
            System.arraycopy(dFinal[0], 0, dh, 0, bu);
        if (dFinal[1] != null)
            System.arraycopy(dFinal[1], 0, dcNext, 0, bu);
        float[] dHsT = dHs == null ? null : toTimeMajor(dHs, batch, time, u);
        PackedMatrix recT = FastGemm.packTransposed(recurrentKernel.value, u, g); // [g, u]
        PackedMatrix dzPacked = FastGemm.packed(time * batch, g); // dZ as the right operand of both weight gradients
        Kernels kn = FastGemm.kernels();
        for (int t = time - 1; t >= 0; t--) {
            if (dHsT != null)
                for (int i = 0; i < bu; i++)
                    dh[i] += dHsT[t * bu + i];
            if (k.mask == null) {
                kn.lstmGatesBackward(k.pre, k.act, t * bg, k.c, t * bu, (t + 1) * bu, k.tanhC, t * bu, dh, dcNext, dz, batch, u, activation,
                        recurrentActivation);
                dzPacked.putRows(t * batch, dz, t * bg, g, batch);
                java.util.Arrays.fill(dh, 0f);
            } else { // masked steps pass dh and dc through
                for (int b = 0; b < batch; b++) {
                    int a = t * bg + b * g, prev = t * bu + b * u, s = b * u;
                    if (Masks.masked(k.mask, b, t, time)) { // skipped step: dh and dc pass through, no gate gradient
                        System.arraycopy(dh, s, dhKeep, s, u);
                        continue;
                    }
                    java.util.Arrays.fill(dhKeep, s, s + u, 0f);
                    for (int j = 0; j < u; j++) {
                        float ig = k.act[a + j], fg = k.act[a + u + j], cg = k.act[a + 2 * u + j], og = k.act[a + 3 * u + j];
                        float tc = k.tanhC[prev + j];
                        float ct = k.c[prev + bu + j];
                        float dc = dcNext[s + j] + dh[s + j] * og * activation.derivative(ct, tc);
                        dz[a + j] = dc * cg * recurrentActivation.derivative(k.pre[a + j], ig);
                        dz[a + u + j] = dc * k.c[prev + j] * recurrentActivation.derivative(k.pre[a + u + j], fg);
                        dz[a + 2 * u + j] = dc * ig * activation.derivative(k.pre[a + 2 * u + j], cg);
                        dz[a + 3 * u + j] = dh[s + j] * tc * recurrentActivation.derivative(k.pre[a + 3 * u + j], og);
                        dcNext[s + j] = dc * fg;
                    }
                }
                System.arraycopy(dhKeep, 0, dh, 0, bu);
                dzPacked.putRows(t * batch, dz, t * bg, g, batch);
            }
            FastGemm.mulAcc(dz, t * bg, g, batch, recT, dh, 0); // dh_{t-1} = dz_t R^T
        }
        // Weight gradients as whole-sequence products over all T*B rows: dR = H_prev^T dZ, dK = X^T dZ.
        FastGemm.mulAcc(FastGemm.transpose(k.h, 0, time * batch, u), 0, time * batch, u, dzPacked, recurrentKernel.grad, 0);
        FastGemm.mulAcc(FastGemm.transpose(k.xT, 0, time * batch, d), 0, time * batch, d, dzPacked, kernel.grad, 0);
        if (bias != null) {
            for (int r = 0; r < batch * time; r++)
                for (int j = 0; j < g; j++)
                    bias.grad[j] += dz[r * g + j];
        }
        float[] dxT = new float[time * batch * d];
        Gemm.nt(dz, 0, kernel.value, 0, dxT, 0, time * batch, g, d, false);
        return fromTimeMajor(dxT, 0, batch, time, d);
    }

    /** [B, T, w] to [T, B, w]. */
    static float[] toTimeMajor(float[] x, int batch, int time, int w) {
        float[] r = new float[batch * time * w];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++)
                System.arraycopy(x, (b * time + t) * w, r, (t * batch + b) * w, w);
        }
        return r;
    }

    /** Time-major rows starting at {@code skip} (e.g. past the initial state) back to [B, T, w]. */
    static float[] fromTimeMajor(float[] xT, int skip, int batch, int time, int w) {
        float[] r = new float[batch * time * w];
        for (int t = 0; t < time; t++) {
            for (int b = 0; b < batch; b++)
                System.arraycopy(xT, skip + (t * batch + b) * w, r, (b * time + t) * w, w);
        }
        return r;
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("recurrent_activation", recurrentActivation.kerasName());
        return c;
    }
}
