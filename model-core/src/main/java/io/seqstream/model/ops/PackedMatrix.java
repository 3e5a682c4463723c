package io.seqstream.model.ops;

/**
 * A weight matrix W [k, n] (row-major, Keras layout) repacked into column panels of width {@code p}:
 * panel j holds W[:, j*p .. j*p+p) contiguously, k-major, zero-padded past n. A micro-kernel then streams
 * one panel per block of rows with unit stride, and the panel stays in L1 while the rows go by.
 */
public final class PackedMatrix {
    final int k;
    final int n;
    final int p;
    final int panels;
    final int paddedN;
    final float[] data;

    public PackedMatrix(float[] w, int k, int n, int p) {
        this.k = k;
        this.n = n;
        this.p = p;
        this.panels = (n + p - 1) / p;
        this.paddedN = panels * p;
        this.data = new float[panels * k * p];
        for (int pi = 0; pi < panels; pi++) {
            for (int kk = 0; kk < k; kk++) {
                for (int jj = 0; jj < p; jj++) {
                    int col = pi * p + jj;
                    if (col < n) data[(pi * k + kk) * p + jj] = w[kk * n + col];
                }
            }
        }
    }

    /** Rows of the original matrix. */
    public int rows() {
        return k;
    }

    /** Columns of the original matrix. */
    public int cols() {
        return n;
    }

    /** Columns rounded up to whole panels: the row stride of a product's output. */
    public int paddedCols() {
        return paddedN;
    }
}
