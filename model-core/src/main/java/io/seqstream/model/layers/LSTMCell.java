package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Gemm;

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
        if (!recurrentActivation.elementWise()) throw new IllegalArgumentException("LSTM recurrent_activation must be element-wise, got softmax");
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
        return new String[] {"h", "c"};
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
        if (useBias) bias = owner.addWeight("bias", 4 * units);
        // Keras defaults: glorot_uniform kernel, orthogonal recurrent kernel, unit_forget_bias.
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inputDim, 4 * units, rnd);
        io.seqstream.model.ops.Initializers.orthogonal(recurrentKernel.value, units, 4 * units, rnd);
        if (bias != null) java.util.Arrays.fill(bias.value, units, 2 * units, 1f);
    }

    private record Cache(float[] pre, float[] act, float[] c, float[] h, float[] tanhC) {}

    @Override
    Sequence forward(float[] x, int batch, int time, float[][] init, boolean keep) {
        int u = units, g = 4 * u, d = inputDim;
        float[] xz = new float[batch * time * g];
        Gemm.nn(x, 0, kernel.value, 0, xz, 0, batch * time, d, g, false);
        if (bias != null) {
            for (int r = 0; r < batch * time; r++) for (int j = 0; j < g; j++) xz[r * g + j] += bias.value[j];
        }
        // h and c for steps 0..T (index 0 = initial state), [B, T+1, u]
        float[] h = new float[batch * (time + 1) * u];
        float[] c = new float[batch * (time + 1) * u];
        float[] act = keep ? new float[batch * time * g] : null;
        float[] tanhC = keep ? new float[batch * time * u] : null;
        for (int b = 0; b < batch; b++) {
            System.arraycopy(init[0], b * u, h, b * (time + 1) * u, u);
            System.arraycopy(init[1], b * u, c, b * (time + 1) * u, u);
        }
        float[] z = new float[g];
        for (int t = 0; t < time; t++) {
            for (int b = 0; b < batch; b++) {
                int row = (b * time + t) * g;
                int prev = (b * (time + 1) + t) * u;
                int next = prev + u;
                System.arraycopy(xz, row, z, 0, g);
                // z += h_prev @ R
                for (int k = 0; k < u; k++) {
                    float hv = h[prev + k];
                    if (hv == 0f) continue;
                    int rk = k * g;
                    float[] r = recurrentKernel.value;
                    for (int j = 0; j < g; j++) z[j] += hv * r[rk + j];
                }
                System.arraycopy(z, 0, xz, row, g); // keep pre-activations for backward
                for (int j = 0; j < u; j++) {
                    float ig = recurrentActivation.apply(z[j]);
                    float fg = recurrentActivation.apply(z[u + j]);
                    float cg = activation.apply(z[2 * u + j]);
                    float og = recurrentActivation.apply(z[3 * u + j]);
                    float ct = fg * c[prev + j] + ig * cg;
                    float tc = activation.apply(ct);
                    c[next + j] = ct;
                    h[next + j] = og * tc;
                    if (keep) {
                        int a = (b * time + t) * g;
                        act[a + j] = ig;
                        act[a + u + j] = fg;
                        act[a + 2 * u + j] = cg;
                        act[a + 3 * u + j] = og;
                        tanhC[(b * time + t) * u + j] = tc;
                    }
                }
            }
        }
        float[] outputs = new float[batch * time * u];
        float[] hT = new float[batch * u], cT = new float[batch * u];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) System.arraycopy(h, (b * (time + 1) + t + 1) * u, outputs, (b * time + t) * u, u);
            System.arraycopy(h, (b * (time + 1) + time) * u, hT, b * u, u);
            System.arraycopy(c, (b * (time + 1) + time) * u, cT, b * u, u);
        }
        return new Sequence(x, batch, time, outputs, new float[][] {hT, cT},
                keep ? new Cache(xz, act, c, h, tanhC) : null);
    }

    @Override
    float[] backward(Sequence seq, float[] dHs, float[][] dFinal) {
        Cache k = (Cache) seq.cache;
        int u = units, g = 4 * u, d = inputDim, batch = seq.batch, time = seq.time;
        float[] dz = new float[batch * time * g];
        float[] dhNext = new float[batch * u];
        float[] dcNext = new float[batch * u];
        if (dFinal[0] != null) System.arraycopy(dFinal[0], 0, dhNext, 0, batch * u);
        if (dFinal[1] != null) System.arraycopy(dFinal[1], 0, dcNext, 0, batch * u);
        float[] r = recurrentKernel.value;
        for (int t = time - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                int a = (b * time + t) * g;
                int prev = (b * (time + 1) + t) * u;
                for (int j = 0; j < u; j++) {
                    float dh = dhNext[b * u + j] + (dHs == null ? 0f : dHs[(b * time + t) * u + j]);
                    float ig = k.act[a + j], fg = k.act[a + u + j], cg = k.act[a + 2 * u + j], og = k.act[a + 3 * u + j];
                    float tc = k.tanhC[(b * time + t) * u + j];
                    float ct = k.c[prev + u + j];
                    float dc = dcNext[b * u + j] + dh * og * activation.derivative(ct, tc);
                    float cPrev = k.c[prev + j];
                    dz[a + j] = dc * cg * recurrentActivation.derivative(k.pre[a + j], ig);
                    dz[a + u + j] = dc * cPrev * recurrentActivation.derivative(k.pre[a + u + j], fg);
                    dz[a + 2 * u + j] = dc * ig * activation.derivative(k.pre[a + 2 * u + j], cg);
                    dz[a + 3 * u + j] = dh * tc * recurrentActivation.derivative(k.pre[a + 3 * u + j], og);
                    dcNext[b * u + j] = dc * fg;
                }
                // dR += h_prev^T dz_t ; dh_prev = dz_t R^T
                for (int i = 0; i < u; i++) {
                    float hv = k.h[prev + i];
                    float s = 0f;
                    int ri = i * g;
                    for (int j = 0; j < g; j++) {
                        float dzj = dz[a + j];
                        recurrentKernel.grad[ri + j] += hv * dzj;
                        s += dzj * r[ri + j];
                    }
                    dhNext[b * u + i] = s;
                }
            }
        }
        Gemm.tnAcc(seq.x, 0, dz, 0, kernel.grad, 0, batch * time, d, g);
        if (bias != null) {
            for (int rI = 0; rI < batch * time; rI++) for (int j = 0; j < g; j++) bias.grad[j] += dz[rI * g + j];
        }
        float[] dx = new float[batch * time * d];
        Gemm.nt(dz, 0, kernel.value, 0, dx, 0, batch * time, g, d, false);
        return dx;
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("recurrent_activation", recurrentActivation.kerasName());
        return c;
    }
}
