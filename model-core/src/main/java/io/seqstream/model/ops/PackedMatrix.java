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
        this(k, n, p);
        putRows(0, w, 0, n, k);
    }

    private PackedMatrix(int k, int n, int p) {
        this.k = k;
        this.n = n;
        this.p = p;
        this.panels = (n + p - 1) / p;
        this.paddedN = panels * p;
        this.data = new float[panels * k * p];
    }

    /**
     * A zero [k, n] matrix in panels of width p, to be filled with {@link #putRows} (training packs a gradient as
     * its rows are computed, instead of copying the whole of it afterwards).
     */
    public static PackedMatrix zeros(int k, int n, int p) {
        return new PackedMatrix(k, n, p);
    }

    /** Copies {@code count} rows of n floats from {@code src} (row stride {@code ld}) into rows {@code row ..} of this matrix. */
    public void putRows(int row, float[] src, int srcOff, int ld, int count) {
        if (row < 0 || row + count > k)
            throw new IndexOutOfBoundsException("rows " + row + ".." + (row + count) + " of a matrix with " + k);
        for (int pi = 0; pi < panels; pi++) {
            int col = pi * p, w = Math.min(p, n - col);
            for (int r = 0; r < count; r++)
                System.arraycopy(src, srcOff + r * ld + col, data, (pi * k + row + r) * p, w);
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
