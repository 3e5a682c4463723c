package io.seqstream.model.layers;

import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Gemm;

/**
 * Keras' SimpleRNN cell: {@code h_t = act(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)}.
 */
public final class SimpleRNNCell extends RecurrentCell {
    private Weight kernel;
    private Weight recurrentKernel;
    private Weight bias;

    public SimpleRNNCell(int units, ActivationFunction activation, boolean useBias) {
        super(units, activation, useBias);
    }

    public SimpleRNNCell(int units) {
        this(units, ActivationFunction.TANH, true);
    }

    @Override
    public String kerasName() {
        return "SimpleRNNCell";
    }

    @Override
    public int stateCount() {
        return 1;
    }

    @Override
    public String[] stateNames() {
        return new String[] {"h"};
    }

    public Weight kernel() {
        return kernel;
    }

    public Weight recurrentKernel() {
        return recurrentKernel;
    }

    public java.util.Optional<Weight> bias() {
        return java.util.Optional.ofNullable(bias);
    }

    @Override
    void build(int inputDim, Layer owner, java.util.SplittableRandom rnd) {
        this.inputDim = inputDim;
        kernel = owner.addWeight("kernel", inputDim, units);
        recurrentKernel = owner.addWeight("recurrent_kernel", units, units);
        if (useBias) bias = owner.addWeight("bias", units);
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inputDim, units, rnd);
        io.seqstream.model.ops.Initializers.orthogonal(recurrentKernel.value, units, units, rnd);
    }

    private record Cache(float[] pre, float[] h) {}

    @Override
    Sequence forward(float[] x, int batch, int time, float[][] init, boolean keep) {
        int u = units, d = inputDim;
        float[] pre = new float[batch * time * u];
        Gemm.nn(x, 0, kernel.value, 0, pre, 0, batch * time, d, u, false);
        if (bias != null) {
            for (int r = 0; r < batch * time; r++) for (int j = 0; j < u; j++) pre[r * u + j] += bias.value[j];
        }
        float[] h = new float[batch * (time + 1) * u];
        for (int b = 0; b < batch; b++) System.arraycopy(init[0], b * u, h, b * (time + 1) * u, u);
        float[] r = recurrentKernel.value;
        for (int t = 0; t < time; t++) {
            for (int b = 0; b < batch; b++) {
                int row = (b * time + t) * u;
                int prev = (b * (time + 1) + t) * u;
                for (int k = 0; k < u; k++) {
                    float hv = h[prev + k];
                    if (hv == 0f) continue;
                    for (int j = 0; j < u; j++) pre[row + j] += hv * r[k * u + j];
                }
                for (int j = 0; j < u; j++) h[prev + u + j] = activation.apply(pre[row + j]);
            }
        }
        float[] outputs = new float[batch * time * u];
        float[] hT = new float[batch * u];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++) System.arraycopy(h, (b * (time + 1) + t + 1) * u, outputs, (b * time + t) * u, u);
            System.arraycopy(h, (b * (time + 1) + time) * u, hT, b * u, u);
        }
        return new Sequence(x, batch, time, outputs, new float[][] {hT}, keep ? new Cache(pre, h) : null);
    }

    @Override
    float[] backward(Sequence seq, float[] dHs, float[][] dFinal) {
        Cache k = (Cache) seq.cache;
        int u = units, d = inputDim, batch = seq.batch, time = seq.time;
        float[] dpre = new float[batch * time * u];
        float[] dhNext = new float[batch * u];
        if (dFinal[0] != null) System.arraycopy(dFinal[0], 0, dhNext, 0, batch * u);
        float[] r = recurrentKernel.value;
        for (int t = time - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                int row = (b * time + t) * u;
                int prev = (b * (time + 1) + t) * u;
                for (int j = 0; j < u; j++) {
                    float dh = dhNext[b * u + j] + (dHs == null ? 0f : dHs[row + j]);
                    dpre[row + j] = dh * activation.derivative(k.pre[row + j], k.h[prev + u + j]);
                }
                for (int i = 0; i < u; i++) {
                    float hv = k.h[prev + i];
                    float s = 0f;
                    for (int j = 0; j < u; j++) {
                        recurrentKernel.grad[i * u + j] += hv * dpre[row + j];
                        s += dpre[row + j] * r[i * u + j];
                    }
                    dhNext[b * u + i] = s;
                }
            }
        }
        Gemm.tnAcc(seq.x, 0, dpre, 0, kernel.grad, 0, batch * time, d, u);
        if (bias != null) {
            for (int rI = 0; rI < batch * time; rI++) for (int j = 0; j < u; j++) bias.grad[j] += dpre[rI * u + j];
        }
        float[] dx = new float[batch * time * d];
        Gemm.nt(dpre, 0, kernel.value, 0, dx, 0, batch * time, u, d, false);
        return dx;
    }
}
