package io.seqstream.model.layers;

import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.FastGemm;
import io.seqstream.model.ops.Gemm;
import io.seqstream.model.ops.PackedMatrix;

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
        return new String[]{ "h" };
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
        if (useBias)
            bias = owner.addWeight("bias", units);
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inputDim, units, rnd);
        io.seqstream.model.ops.Initializers.orthogonal(recurrentKernel.value, units, units, rnd);
    }

    private record Cache(float[] xT, float[] pre, float[] h, float[] mask) {
    }

    // Time-major [T, B, ...], as in LSTMCell: each step's batch product is one matrix product.
    @Override
    Sequence forward(float[] x, int batch, int time, float[][] init, boolean keep, float[] mask) {
        int u = units, d = inputDim, bu = batch * u;
        float[] xT = LSTMCell.toTimeMajor(x, batch, time, d);
        float[] pre = new float[time * bu];
        if (bias != null) {
            for (int r = 0; r < batch * time; r++)
                System.arraycopy(bias.value, 0, pre, r * u, u);
        }
        Gemm.nn(xT, 0, kernel.value, 0, pre, 0, batch * time, d, u, true);
        float[] h = new float[(time + 1) * bu];
        System.arraycopy(init[0], 0, h, 0, bu);
        PackedMatrix rec = FastGemm.pack(recurrentKernel.value, u, u);
        for (int t = 0; t < time; t++) {
            FastGemm.mulAcc(h, t * bu, u, batch, rec, pre, t * bu);
            for (int i = 0; i < bu; i++)
                h[(t + 1) * bu + i] = activation.apply(pre[t * bu + i]);
            if (mask != null)
                Masks.carry(mask, t, time, batch, u, h, t * bu, (t + 1) * bu);
        }
        float[] outputs = LSTMCell.fromTimeMajor(h, bu, batch, time, u);
        float[] hT = java.util.Arrays.copyOfRange(h, time * bu, (time + 1) * bu);
        return new Sequence(x, batch, time, outputs, new float[][]{ hT }, keep ? new Cache(xT, pre, h, mask) : null);
    }

    @Override
    float[] backward(Sequence seq, float[] dHs, float[][] dFinal) {
        Cache k = (Cache) seq.cache;
        int u = units, d = inputDim, batch = seq.batch, time = seq.time, bu = batch * u;
        float[] dpre = new float[time * bu];
        float[] dh = new float[bu];
        if (dFinal[0] != null)
            System.arraycopy(dFinal[0], 0, dh, 0, bu);
        float[] dHsT = dHs == null ? null : LSTMCell.toTimeMajor(dHs, batch, time, u);
        PackedMatrix recT = FastGemm.packTransposed(recurrentKernel.value, u, u);
        for (int t = time - 1; t >= 0; t--) {
            for (int i = 0; i < bu; i++) {
                float g = dh[i] + (dHsT == null ? 0f : dHsT[t * bu + i]);
                if (Masks.masked(k.mask, i / u, t, time)) { // skipped step: the gradient passes through
                    dh[i] = g;
                    continue;
                }
                dh[i] = 0f;
                dpre[t * bu + i] = g * activation.derivative(k.pre[t * bu + i], k.h[(t + 1) * bu + i]);
            }
            FastGemm.mulAcc(dpre, t * bu, u, batch, recT, dh, 0);
        }
        Gemm.tnAcc(k.h, 0, dpre, 0, recurrentKernel.grad, 0, time * batch, u, u);
        Gemm.tnAcc(k.xT, 0, dpre, 0, kernel.grad, 0, time * batch, d, u);
        if (bias != null) {
            for (int r = 0; r < batch * time; r++)
                for (int j = 0; j < u; j++)
                    bias.grad[j] += dpre[r * u + j];
        }
        float[] dxT = new float[time * batch * d];
        Gemm.nt(dpre, 0, kernel.value, 0, dxT, 0, time * batch, u, d, false);
        return LSTMCell.fromTimeMajor(dxT, 0, batch, time, d);
    }
}
