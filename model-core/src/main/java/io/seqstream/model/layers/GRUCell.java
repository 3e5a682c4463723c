package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.FastGemm;
import io.seqstream.model.ops.Gemm;
import io.seqstream.model.ops.PackedMatrix;
import java.util.Arrays;

/**
 * Keras' GRU cell, gate order z (update), r (reset), h (candidate) along the 3u axis:
 * {@code kernel} [in, 3u], {@code recurrent_kernel} [u, 3u], and {@code bias} [3u] ({@code reset_after=False},
 * Keras 1 style) or [2, 3u] (input and recurrent bias rows, {@code reset_after=True}, Keras 2/3 default).
 *
 * <pre>
 * reset_after=True:  hh = act(x Wh + bh + r * (h Rh + rbh))
 * reset_after=False: hh = act(x Wh + bh + (r * h) Rh)
 * z = rec(x Wz + h Rz + b), r = rec(x Wr + h Rr + b), h' = z * h + (1 - z) * hh
 * </pre>
 */
public final class GRUCell extends RecurrentCell {
    private final ActivationFunction recurrentActivation;
    private final boolean resetAfter;
    private Weight kernel;
    private Weight recurrentKernel;
    private Weight bias;

    public GRUCell(int units, ActivationFunction activation, ActivationFunction recurrentActivation, boolean useBias, boolean resetAfter) {
        super(units, activation, useBias);
        if (!recurrentActivation.elementWise())
            throw new IllegalArgumentException("GRU recurrent_activation must be element-wise, got softmax");
        this.recurrentActivation = recurrentActivation;
        this.resetAfter = resetAfter;
    }

    /** Keras 3 defaults: tanh, sigmoid, bias, reset_after=True. */
    public GRUCell(int units) {
        this(units, ActivationFunction.TANH, ActivationFunction.SIGMOID, true, true);
    }

    @Override
    public String kerasName() {
        return "GRUCell";
    }

    public ActivationFunction recurrentActivation() {
        return recurrentActivation;
    }

    public boolean resetAfter() {
        return resetAfter;
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

    /** Empty when {@code useBias} is false; [3u] or, with reset_after, [2, 3u]. */
    public java.util.Optional<Weight> bias() {
        return java.util.Optional.ofNullable(bias);
    }

    @Override
    void build(int inputDim, Layer owner, java.util.SplittableRandom rnd) {
        this.inputDim = inputDim;
        int g = 3 * units;
        kernel = owner.addWeight("kernel", inputDim, g);
        recurrentKernel = owner.addWeight("recurrent_kernel", units, g);
        if (useBias)
            bias = resetAfter ? owner.addWeight("bias", 2, g) : owner.addWeight("bias", g);
        io.seqstream.model.ops.Initializers.glorotUniform(kernel.value, inputDim, g, rnd);
        io.seqstream.model.ops.Initializers.orthogonal(recurrentKernel.value, units, g, rnd);
    }

    /**
     * Time-major buffers: {@code pre} the gate pre-activations [T, B, 3u], {@code act} z, r, hh, {@code rec}
     * the recurrent part of the candidate (reset_after: h Rh + rbh; otherwise r * h), h for t = 0..T.
     */
    private record Cache(float[] xT, float[] pre, float[] act, float[] rec, float[] h, float[] mask) {
    }

    @Override
    Sequence forward(float[] x, int batch, int time, float[][] init, boolean keep, float[] mask) {
        int u = units, g = 3 * u, d = inputDim, bu = batch * u, bg = batch * g;
        float[] xT = LSTMCell.toTimeMajor(x, batch, time, d);
        float[] pre = new float[time * bg];
        if (bias != null) {
            for (int r = 0; r < batch * time; r++)
                System.arraycopy(bias.value, 0, pre, r * g, g);
        }
        Gemm.nn(xT, 0, kernel.value, 0, pre, 0, batch * time, d, g, true);
        float[] h = new float[(time + 1) * bu];
        System.arraycopy(init[0], 0, h, 0, bu);
        float[] act = keep ? new float[time * bg] : null;
        float[] recOut = keep ? new float[time * bu] : null;
        float[] rz = new float[bg];
        PackedMatrix rec = resetAfter ? FastGemm.pack(recurrentKernel.value, u, g) : null;
        PackedMatrix recZr = resetAfter ? null : FastGemm.pack(columns(recurrentKernel.value, u, g, 0, 2 * u), u, 2 * u);
        PackedMatrix recH = resetAfter ? null : FastGemm.pack(columns(recurrentKernel.value, u, g, 2 * u, u), u, u);
        float[] zr = resetAfter ? null : new float[batch * 2 * u];
        float[] rh = resetAfter ? null : new float[bu];
        float[] hh = resetAfter ? null : new float[bu];
        for (int t = 0; t < time; t++) {
            int hp = t * bu, hn = hp + bu;
            if (resetAfter) {
                if (bias != null)
                    for (int b = 0; b < batch; b++)
                        System.arraycopy(bias.value, g, rz, b * g, g);
                else
                    Arrays.fill(rz, 0f);
                FastGemm.mulAcc(h, hp, u, batch, rec, rz, 0);
                for (int b = 0; b < batch; b++) {
                    int zo = t * bg + b * g, ro = b * g, prev = hp + b * u;
                    for (int j = 0; j < u; j++) {
                        pre[zo + j] += rz[ro + j];
                        pre[zo + u + j] += rz[ro + u + j];
                        float zg = recurrentActivation.apply(pre[zo + j]);
                        float rg = recurrentActivation.apply(pre[zo + u + j]);
                        float rp = rz[ro + 2 * u + j];
                        pre[zo + 2 * u + j] += rg * rp;
                        float cand = activation.apply(pre[zo + 2 * u + j]);
                        h[hn + b * u + j] = zg * h[prev + j] + (1f - zg) * cand;
                        if (keep) {
                            act[zo + j] = zg;
                            act[zo + u + j] = rg;
                            act[zo + 2 * u + j] = cand;
                            recOut[t * bu + b * u + j] = rp;
                        }
                    }
                }
            } else {
                Arrays.fill(zr, 0f);
                FastGemm.mulAcc(h, hp, u, batch, recZr, zr, 0);
                for (int b = 0; b < batch; b++) {
                    int zo = t * bg + b * g, prev = hp + b * u;
                    for (int j = 0; j < u; j++) {
                        pre[zo + j] += zr[b * 2 * u + j];
                        pre[zo + u + j] += zr[b * 2 * u + u + j];
                        rh[b * u + j] = recurrentActivation.apply(pre[zo + u + j]) * h[prev + j];
                    }
                }
                Arrays.fill(hh, 0f);
                FastGemm.mulAcc(rh, 0, u, batch, recH, hh, 0);
                for (int b = 0; b < batch; b++) {
                    int zo = t * bg + b * g, prev = hp + b * u;
                    for (int j = 0; j < u; j++) {
                        pre[zo + 2 * u + j] += hh[b * u + j];
                        float zg = recurrentActivation.apply(pre[zo + j]);
                        float cand = activation.apply(pre[zo + 2 * u + j]);
                        h[hn + b * u + j] = zg * h[prev + j] + (1f - zg) * cand;
                        if (keep) {
                            act[zo + j] = zg;
                            act[zo + u + j] = recurrentActivation.apply(pre[zo + u + j]);
                            act[zo + 2 * u + j] = cand;
                            recOut[t * bu + b * u + j] = rh[b * u + j];
                        }
                    }
                }
            }
            if (mask != null)
                Masks.carry(mask, t, time, batch, u, h, hp, hn);
        }
        float[] outputs = LSTMCell.fromTimeMajor(h, bu, batch, time, u);
        float[] hT = Arrays.copyOfRange(h, time * bu, (time + 1) * bu);
        return new Sequence(x, batch, time, outputs, new float[][]{ hT }, keep ? new Cache(xT, pre, act, recOut, h, mask) : null);
    }

    @Override
    float[] backward(Sequence seq, float[] dHs, float[][] dFinal) {
        Cache k = (Cache) seq.cache;
        int u = units, g = 3 * u, d = inputDim, batch = seq.batch, time = seq.time, bu = batch * u, bg = batch * g;
        float[] dx = new float[time * bg]; // gradient of the input-side pre-activations [T, B, 3u]
        float[] dr = new float[time * bg]; // gradient of the recurrent products [T, B, 3u] (reset_after) / [z, r, h] parts
        float[] dh = new float[bu];
        if (dFinal[0] != null)
            System.arraycopy(dFinal[0], 0, dh, 0, bu);
        float[] dHsT = dHs == null ? null : LSTMCell.toTimeMajor(dHs, batch, time, u);
        PackedMatrix recT = resetAfter ? FastGemm.packTransposed(recurrentKernel.value, u, g) : null;
        PackedMatrix recZrT = resetAfter ? null : FastGemm.packTransposed(columns(recurrentKernel.value, u, g, 0, 2 * u), u, 2 * u);
        PackedMatrix recHT = resetAfter ? null : FastGemm.packTransposed(columns(recurrentKernel.value, u, g, 2 * u, u), u, u);
        float[] dzr = resetAfter ? null : new float[batch * 2 * u];
        float[] dah = resetAfter ? null : new float[bu];
        float[] drh = resetAfter ? null : new float[bu];
        float[] dhPrev = new float[bu];
        for (int t = time - 1; t >= 0; t--) {
            if (dHsT != null)
                for (int i = 0; i < bu; i++)
                    dh[i] += dHsT[t * bu + i];
            Arrays.fill(dhPrev, 0f);
            for (int b = 0; b < batch; b++) {
                int a = t * bg + b * g, prev = t * bu + b * u, s = b * u;
                boolean skip = k.mask != null && k.mask[b * time + t] == 0f;
                if (skip) { // a masked step passes its state through unchanged
                    for (int j = 0; j < u; j++)
                        dhPrev[s + j] = dh[s + j];
                    continue;
                }
                for (int j = 0; j < u; j++) {
                    float zg = k.act[a + j], rg = k.act[a + u + j], cand = k.act[a + 2 * u + j];
                    float hPrev = k.h[prev + j];
                    float dhj = dh[s + j];
                    float dz = dhj * (hPrev - cand) * recurrentActivation.derivative(k.pre[a + j], zg);
                    float daH = dhj * (1f - zg) * activation.derivative(k.pre[a + 2 * u + j], cand);
                    dhPrev[s + j] = dhj * zg;
                    dx[a + j] = dz;
                    dx[a + 2 * u + j] = daH;
                    if (resetAfter) {
                        float daR = daH * k.rec[t * bu + s + j] * recurrentActivation.derivative(k.pre[a + u + j], rg);
                        dx[a + u + j] = daR;
                        dr[a + j] = dz;
                        dr[a + u + j] = daR;
                        dr[a + 2 * u + j] = daH * rg;
                    } else {
                        dr[a + j] = dz;
                        dr[a + 2 * u + j] = daH; // times (r * h_prev) for dRh
                    }
                }
            }
            if (resetAfter) {
                FastGemm.mulAcc(dr, t * bg, g, batch, recT, dhPrev, 0);
            } else {
                // d(r*h) = daH Rh^T, then through r to the reset gate and to h_prev.
                for (int b = 0; b < batch; b++)
                    System.arraycopy(dr, t * bg + b * g + 2 * u, dah, b * u, u);
                Arrays.fill(drh, 0f);
                FastGemm.mulAcc(dah, 0, u, batch, recHT, drh, 0);
                for (int b = 0; b < batch; b++) {
                    int a = t * bg + b * g, prev = t * bu + b * u, s = b * u;
                    if (k.mask != null && k.mask[b * time + t] == 0f) {
                        Arrays.fill(dzr, b * 2 * u, (b + 1) * 2 * u, 0f);
                        continue;
                    }
                    for (int j = 0; j < u; j++) {
                        float rg = k.act[a + u + j];
                        float daR = drh[s + j] * k.h[prev + j] * recurrentActivation.derivative(k.pre[a + u + j], rg);
                        dx[a + u + j] = daR;
                        dr[a + u + j] = daR;
                        dhPrev[s + j] += drh[s + j] * rg;
                        dzr[b * 2 * u + j] = dr[a + j];
                        dzr[b * 2 * u + u + j] = daR;
                    }
                }
                FastGemm.mulAcc(dzr, 0, 2 * u, batch, recZrT, dhPrev, 0);
            }
            System.arraycopy(dhPrev, 0, dh, 0, bu);
        }
        // Weight gradients over the whole sequence.
        if (resetAfter) {
            Gemm.tnAcc(k.h, 0, dr, 0, recurrentKernel.grad, 0, time * batch, u, g);
        } else {
            float[] dZr = new float[time * batch * 2 * u], dH = new float[time * batch * u];
            for (int r = 0; r < time * batch; r++) {
                System.arraycopy(dr, r * g, dZr, r * 2 * u, 2 * u);
                System.arraycopy(dr, r * g + 2 * u, dH, r * u, u);
            }
            float[] gZr = new float[u * 2 * u], gH = new float[u * u];
            Gemm.tnAcc(k.h, 0, dZr, 0, gZr, 0, time * batch, u, 2 * u);
            Gemm.tnAcc(k.rec, 0, dH, 0, gH, 0, time * batch, u, u);
            for (int i = 0; i < u; i++) {
                for (int j = 0; j < 2 * u; j++)
                    recurrentKernel.grad[i * g + j] += gZr[i * 2 * u + j];
                for (int j = 0; j < u; j++)
                    recurrentKernel.grad[i * g + 2 * u + j] += gH[i * u + j];
            }
        }
        Gemm.tnAcc(k.xT, 0, dx, 0, kernel.grad, 0, time * batch, d, g);
        if (bias != null) {
            for (int r = 0; r < batch * time; r++) {
                for (int j = 0; j < g; j++) {
                    bias.grad[j] += dx[r * g + j];
                    if (resetAfter)
                        bias.grad[g + j] += dr[r * g + j];
                }
            }
        }
        float[] dxT = new float[time * batch * d];
        Gemm.nt(dx, 0, kernel.value, 0, dxT, 0, time * batch, g, d, false);
        return LSTMCell.fromTimeMajor(dxT, 0, batch, time, d);
    }

    /** Columns [from, from + n) of a row-major [rows, cols] matrix. */
    private static float[] columns(float[] w, int rows, int cols, int from, int n) {
        float[] r = new float[rows * n];
        for (int i = 0; i < rows; i++)
            System.arraycopy(w, i * cols + from, r, i * n, n);
        return r;
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("recurrent_activation", recurrentActivation.kerasName());
        c.put("reset_after", resetAfter);
        return c;
    }
}
