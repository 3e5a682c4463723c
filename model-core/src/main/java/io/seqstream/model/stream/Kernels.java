package io.seqstream.model.stream;

import io.seqstream.model.ops.ActivationFunction;

/**
 * The arithmetic of one batched step. Two implementations: {@link VectorKernels} on the Vector API
 * ({@code jdk.incubator.vector}) and {@link ScalarKernels}, used when that module is absent or
 * {@code -Dseqstream.kernels=scalar} asks for it. Both compute the same function.
 */
interface Kernels {
    /** Panel width the kernels want for packed matrices. */
    int panelWidth();

    /** {@code z[r*ldz + j] += sum_k a[r*lda + k] * B[k, j]} for rows r < n, all j of the padded width. */
    void gemmAcc(float[] a, int lda, int n, PackedMatrix b, float[] z, int ldz);

    /**
     * LSTM gates for rows r < n: from z (row stride ldz; blocks i, f, c, o of width u) and c (in place),
     * writes h = o * act(c') with c' = f*c + i*act(g). {@code h} and {@code c} have row stride u.
     */
    void lstmGates(float[] z, int ldz, float[] c, float[] h, int n, int u, ActivationFunction act, ActivationFunction rec);

    /** {@code out[r*m + o] = bias[o] + dot(x[r*k ..], wT[o*k ..])} for rows r < n. */
    void denseRows(float[] x, int n, int k, float[] wT, float[] bias, float[] out, int m);

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
