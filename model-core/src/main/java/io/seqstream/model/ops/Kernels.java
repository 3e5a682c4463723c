package io.seqstream.model.ops;

/**
 * The arithmetic of one batched step. Two implementations: {@link VectorKernels} on the Vector API
 * ({@code jdk.incubator.vector}) and {@link ScalarKernels}, used when that module is absent or
 * {@code -Dseqstream.kernels=scalar} asks for it. Both compute the same function.
 */
public interface Kernels {
    /** Panel width the kernels want for packed matrices. */
    int panelWidth();

    /** What runs: implementation, vector width and blocking (for logs and benchmark tables). */
    String describe();

    /**
     * {@code z[zOff + r*ldz + j] += sum_k a[aOff + r*lda + k] * B[k, j]} for rows r < n and every j of the
     * padded width ({@code ldz >= b.paddedCols()}).
     */
    void gemmAcc(float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz);

    /**
     * LSTM gates for rows r < n: from z (row stride ldz; blocks i, f, c, o of width u) and c (in place),
     * writes h = o * act(c') with c' = f*c + i*act(g). {@code h} and {@code c} have row stride u.
     */
    void lstmGates(float[] z, int ldz, float[] c, float[] h, int n, int u, ActivationFunction act, ActivationFunction rec);

    /**
     * LSTM forward gates of one time step for training, rows r < n: pre-activations {@code z[zOff + r*4u ..]}
     * (blocks i, f, c, o), previous cell state {@code c[cPrev + r*u ..]}; writes the new cell state at
     * {@code c[cNext + r*u]}, {@code h[hOff + r*u]}, the gate outputs at {@code gates[zOff + r*4u ..]} (layout of z) and
     * act(c') at {@code actC[actCOff + r*u]}, which {@link #lstmGatesBackward} reads.
     */
    void lstmGatesForward(float[] z, int zOff, float[] c, int cPrev, int cNext, float[] h, int hOff, float[] gates, float[] actC,
            int actCOff,
            int n, int u, ActivationFunction act, ActivationFunction rec);

    /**
     * LSTM backward through the gates of one time step, rows r < n, from what {@link #lstmGatesForward} kept:
     * {@code dh} and {@code dc} (row stride u, offset 0) are the gradients of h_t and c_t; writes the pre-activation
     * gradients at {@code dz[zOff + r*4u ..]} and replaces {@code dc} with the gradient of c_{t-1}.
     */
    void lstmGatesBackward(float[] z, float[] gates, int zOff, float[] c, int cPrev, int cNext, float[] actC, int actCOff,
            float[] dh, float[] dc, float[] dz, int n, int u, ActivationFunction act, ActivationFunction rec);

    /**
     * GRU step gates, {@code reset_after=True}, rows r < n: {@code x} holds the input projections [z | r | h] and
     * {@code rec} the recurrent products with their bias [z | r | h], both with row stride {@code g}; {@code h} (row
     * stride u) becomes {@code zg * h + (1 - zg) * act(x_h + rg * rec_h)} with {@code zg = rec(x_z + rec_z)},
     * {@code rg = rec(x_r + rec_r)}. {@code x} is scratch afterwards (the vector kernels compute in it).
     */
    void gruGatesResetAfter(float[] x, float[] rec, int g, float[] h, int n, int u, ActivationFunction act,
            ActivationFunction recAct);

    /**
     * GRU step, {@code reset_after=False}, first half, rows r < n: {@code rh = rec(x_r + rec_r) * h} (row stride u),
     * and {@code x_z += rec_z} so the update gate's pre-activation is whole; {@code x} has row stride {@code g},
     * {@code rec} (the products with the recurrent z and r kernels) row stride {@code gRec}. x's r block is scratch
     * afterwards.
     */
    void gruResetGate(float[] x, int g, float[] rec, int gRec, float[] h, float[] rh, int n, int u, ActivationFunction recAct);

    /**
     * GRU step, {@code reset_after=False}, second half, rows r < n: {@code h = zg * h + (1 - zg) * act(x_h + recH)}
     * with {@code zg = rec(x_z)} ({@link #gruResetGate} completed x_z); {@code recH} is {@code (r * h) U_h}, row stride
     * {@code gRecH}. {@code x} is scratch afterwards.
     */
    void gruUpdate(float[] x, int g, float[] recH, int gRecH, float[] h, int n, int u, ActivationFunction act, ActivationFunction recAct);

    /** Softmax in place over {@code x[r*stride .. r*stride + width)} for rows r < n. */
    void softmaxRows(float[] x, int n, int stride, int width);

    /** {@code out[r*m + o] = bias[o] + dot(x[r*lda ..], wT[o*k ..])} for rows r < n. */
    void denseRows(float[] x, int lda, int n, int k, float[] wT, float[] bias, float[] out, int m);

    /**
     * Indices of the {@code k} largest of {@code values[0..n)}, largest first, into {@code idx[0..k)}; on ties the
     * lower index wins; returns how many (min(k, n)). Allocates nothing.
     */
    int topK(float[] values, int n, int k, int[] idx);

    /** The Vector API kernels when available (and not disabled by -Dseqstream.kernels=scalar), else scalar. */
    static Kernels best() {
        if (!"scalar".equals(System.getProperty("seqstream.kernels"))) {
            try {
                return VectorKernels.create();
            } catch (Throwable e) { // module not present: NoClassDefFoundError or similar
                return new ScalarKernels();
            }
        }
        return new ScalarKernels();
    }
}
