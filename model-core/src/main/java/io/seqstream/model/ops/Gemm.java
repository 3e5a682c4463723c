package io.seqstream.model.ops;

/**
 * Row-major single-precision matrix products used by training and whole-sequence inference.
 *
 * <p>Loops are ordered so the innermost loop runs over contiguous memory of both operands, which the JIT
 * vectorises. The per-event streaming path does not use these (see {@code io.seqstream.model.stream}).
 */
public final class Gemm {
    /** Below this many multiply-adds the plain loops win over packing. */
    private static final long PACK_THRESHOLD = 1 << 15;

    private Gemm() {
    }

    private static boolean large(int m, int k, int n) {
        return (long) m * k * n >= PACK_THRESHOLD;
    }

    /** C[m,n] (+)= A[m,k] * B[k,n]. */
    public static void nn(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n, boolean accumulate) {
        if (!accumulate)
            java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
        if (large(m, k, n)) {
            FastGemm.mulAcc(a, aOff, k, m,
                    FastGemm.pack(bOff == 0 && b.length == k * n ? b : java.util.Arrays.copyOfRange(b, bOff, bOff + k * n), k, n), c, cOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * n;
            int ai = aOff + i * k;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p];
                if (av == 0f)
                    continue;
                int bp = bOff + p * n;
                for (int j = 0; j < n; j++)
                    c[ci + j] += av * b[bp + j];
            }
        }
    }

    /** C[k,n] += A[m,k]^T * B[m,n] (weight gradients: X^T dZ). */
    public static void tnAcc(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int k, int n) {
        if (large(m, k, n)) {
            float[] at = FastGemm.transpose(a, aOff, m, k); // [k, m]
            FastGemm.mulAcc(at, 0, m, k,
                    FastGemm.pack(bOff == 0 && b.length == m * n ? b : java.util.Arrays.copyOfRange(b, bOff, bOff + m * n), m, n), c, cOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * k;
            int bi = bOff + i * n;
            for (int p = 0; p < k; p++) {
                float av = a[ai + p];
                if (av == 0f)
                    continue;
                int cp = cOff + p * n;
                for (int j = 0; j < n; j++)
                    c[cp + j] += av * b[bi + j];
            }
        }
    }

    /** C[m,k] (+)= A[m,n] * B[k,n]^T (input gradients: dZ W^T). */
    public static void nt(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int m, int n, int k, boolean accumulate) {
        if (large(m, k, n)) {
            if (!accumulate)
                java.util.Arrays.fill(c, cOff, cOff + m * k, 0f);
            FastGemm.mulAcc(a, aOff, n, m, FastGemm.packTransposed(java.util.Arrays.copyOfRange(b, bOff, bOff + k * n), k, n), c, cOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * n;
            for (int p = 0; p < k; p++) {
                int bp = bOff + p * n;
                float s = 0f;
                for (int j = 0; j < n; j++)
                    s += a[ai + j] * b[bp + j];
                int ci = cOff + i * k + p;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }
}
