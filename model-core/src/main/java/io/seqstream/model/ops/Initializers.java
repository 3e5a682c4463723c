package io.seqstream.model.ops;

import java.util.SplittableRandom;

/** Keras' default weight initialisers, so a freshly built model trains as it would in Keras. */
public final class Initializers {
    private Initializers() {
    }

    /** {@code glorot_uniform}: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). */
    public static void glorotUniform(float[] w, int fanIn, int fanOut, SplittableRandom rnd) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++)
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
    }

    /** {@code RandomUniform(-a, a)} (Keras' Embedding default uses a = 0.05). */
    public static void uniform(float[] w, double a, SplittableRandom rnd) {
        for (int i = 0; i < w.length; i++)
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * a);
    }

    /**
     * {@code orthogonal} for a [rows, cols] matrix: orthonormal rows (rows <= cols) or columns, from a
     * Gram-Schmidt QR of a Gaussian matrix. Computed here, not by a native library.
     */
    public static void orthogonal(float[] w, int rows, int cols, SplittableRandom rnd) {
        boolean transpose = rows > cols;
        int r = transpose ? cols : rows, c = transpose ? rows : cols; // r <= c: make r orthonormal rows of length c
        double[][] m = new double[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++)
                m[i][j] = gaussian(rnd);
        }
        for (int i = 0; i < r; i++) {
            for (int pass = 0; pass < 2; pass++) { // re-orthogonalise once for stability
                for (int p = 0; p < i; p++) {
                    double dot = 0;
                    for (int j = 0; j < c; j++)
                        dot += m[i][j] * m[p][j];
                    for (int j = 0; j < c; j++)
                        m[i][j] -= dot * m[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < c; j++)
                norm += m[i][j] * m[i][j];
            norm = Math.sqrt(norm);
            for (int j = 0; j < c; j++)
                m[i][j] /= norm;
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++)
                w[i * cols + j] = (float) (transpose ? m[j][i] : m[i][j]);
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble(), u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
