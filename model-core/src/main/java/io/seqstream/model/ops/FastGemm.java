package io.seqstream.model.ops;

/**
 * Matrix products for training and whole-sequence inference on the step kernels: the right operand is
 * packed into panels once and the register-blocked micro-kernel runs over the rows.
 */
public final class FastGemm {
    private static final Kernels K = Kernels.best();

    private FastGemm() {
    }

    public static Kernels kernels() {
        return K;
    }

    /** Packs a [rows, cols] row-major matrix for {@link #mulAcc}. */
    public static PackedMatrix pack(float[] w, int rows, int cols) {
        return new PackedMatrix(w, rows, cols, K.panelWidth());
    }

    /** Packs the transpose of a [rows, cols] row-major matrix, i.e. a [cols, rows] operand. */
    public static PackedMatrix packTransposed(float[] w, int rows, int cols) {
        return new PackedMatrix(transpose(w, 0, rows, cols), cols, rows, K.panelWidth());
    }

    /** {@code C[cOff + r*n + j] += sum_k A[aOff + r*lda + k] * B[k, j]} for r < m, j < n = b.cols(). */
    public static void mulAcc(float[] a, int aOff, int lda, int m, PackedMatrix b, float[] c, int cOff) {
        int n = b.cols(), pn = b.paddedCols();
        if (pn == n) {
            K.gemmAcc(a, aOff, lda, m, b, c, cOff, n);
            return;
        }
        float[] tmp = new float[m * pn];
        for (int r = 0; r < m; r++)
            System.arraycopy(c, cOff + r * n, tmp, r * pn, n);
        K.gemmAcc(a, aOff, lda, m, b, tmp, 0, pn);
        for (int r = 0; r < m; r++)
            System.arraycopy(tmp, r * pn, c, cOff + r * n, n);
    }

    /** An empty packed [rows, cols] operand for {@link #mulAcc}, filled with {@link PackedMatrix#putRows}. */
    public static PackedMatrix packed(int rows, int cols) {
        return PackedMatrix.zeros(rows, cols, K.panelWidth());
    }

    /**
     * Row-major transpose of a [rows, cols] block starting at {@code off}, in tiles of 64 source rows x 8 columns: the
     * tile writes 8 rows of the result, whose stride (rows floats) is often a multiple of 4 KiB, so more of them
     * at once would fall into one L1 set and evict each other.
     */
    public static float[] transpose(float[] a, int off, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int i0 = 0; i0 < rows; i0 += 64) {
            int i1 = Math.min(rows, i0 + 64);
            for (int j0 = 0; j0 < cols; j0 += 8) {
                int j1 = Math.min(cols, j0 + 8);
                for (int j = j0; j < j1; j++) {
                    int tj = j * rows;
                    for (int i = i0; i < i1; i++)
                        t[tj + i] = a[off + i * cols + j];
                }
            }
        }
        return t;
    }
}
