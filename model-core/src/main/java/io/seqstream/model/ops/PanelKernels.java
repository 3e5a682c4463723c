package io.seqstream.model.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The packed panel product {@code z += A * B} on the Vector API, one register-blocked micro-kernel per shape
 * ({@link Blocking}): {@code rows x vectors} accumulators stay in registers over {@code kc} steps of the
 * inner dimension of one panel, then go back to z. Remaining rows take 4-, 2- and 1-row kernels of the same
 * panel width. GRU and LSTM both use it (gate pre-activations are one product per step).
 */
final class PanelKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    private PanelKernels() {
    }

    /** {@code z[zOff + r*ldz + j] += sum_k a[aOff + r*lda + k] * B[k, j]} for r < n, every j of the padded width. */
    static void gemmAcc(Blocking bl, float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz) {
        if (b.p != bl.vectors() * L) {
            throw new IllegalArgumentException(
                    "matrix packed in panels of " + b.p + " floats, the " + bl + " kernel needs " + bl.vectors() * L);
        }
        final int p = b.p, k = b.k, kc = bl.kc(), rows = bl.rows(), v = bl.vectors();
        final float[] bd = b.data;
        for (int pi = 0; pi < b.panels; pi++) {
            final int col = pi * p;
            for (int k0 = 0; k0 < k; k0 += kc) {
                final int kl = Math.min(kc, k - k0);
                final int base = (pi * k + k0) * p;
                final int a0 = aOff + k0, z0 = zOff + col;
                switch (v) {
                    case 4 -> rows4(rows, a, a0, lda, n, bd, base, p, kl, z, z0, ldz);
                    case 3 -> rows3(rows, a, a0, lda, n, bd, base, p, kl, z, z0, ldz);
                    default -> rows2(rows, a, a0, lda, n, bd, base, p, kl, z, z0, ldz);
                }
            }
        }
    }

    private static void rows4(int rows, float[] a, int a0, int lda, int n, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int r = 0;
        if (rows == 6)
            for (; r + 6 <= n; r += 6)
                k6x4(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 4 <= n; r += 4)
            k4x4(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 2 <= n; r += 2)
            k2x4(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r < n; r++)
            k1x4(a, a0 + r * lda, bd, base, p, k, z, z0 + r * ldz);
    }

    private static void rows3(int rows, float[] a, int a0, int lda, int n, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int r = 0;
        if (rows == 8)
            for (; r + 8 <= n; r += 8)
                k8x3(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 4 <= n; r += 4)
            k4x3(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 2 <= n; r += 2)
            k2x3(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r < n; r++)
            k1x3(a, a0 + r * lda, bd, base, p, k, z, z0 + r * ldz);
    }

    private static void rows2(int rows, float[] a, int a0, int lda, int n, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int r = 0;
        if (rows == 6)
            for (; r + 6 <= n; r += 6)
                k6x2(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 4 <= n; r += 4)
            k4x2(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r + 2 <= n; r += 2)
            k2x2(a, a0 + r * lda, lda, bd, base, p, k, z, z0 + r * ldz, ldz);
        for (; r < n; r++)
            k1x2(a, a0 + r * lda, bd, base, p, k, z, z0 + r * ldz);
    }

    // The micro-kernels (generated pattern, one per shape): C2 keeps each FloatVector local in a register only
    // when the count fits the register file, so every shape is its own straight-line method.

    /** 6 rows x 4 vectors: 24 accumulators, 10 loads per 24 FMAs. */
    static void k6x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        final int z4 = z3 + ldz, a4 = a3 + lda;
        final int z5 = z4 + ldz, a5 = a4 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L), c03 = FloatVector.fromArray(S, z, z0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L), c13 = FloatVector.fromArray(S, z, z1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L),
                c22 = FloatVector.fromArray(S, z, z2 + 2 * L), c23 = FloatVector.fromArray(S, z, z2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L),
                c32 = FloatVector.fromArray(S, z, z3 + 2 * L), c33 = FloatVector.fromArray(S, z, z3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, z, z4), c41 = FloatVector.fromArray(S, z, z4 + 1 * L),
                c42 = FloatVector.fromArray(S, z, z4 + 2 * L), c43 = FloatVector.fromArray(S, z, z4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, z, z5), c51 = FloatVector.fromArray(S, z, z5 + 1 * L),
                c52 = FloatVector.fromArray(S, z, z5 + 2 * L), c53 = FloatVector.fromArray(S, z, z5 + 3 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            final FloatVector b3 = FloatVector.fromArray(S, bd, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            c53 = x.fma(b3, c53);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c03.intoArray(z, z0 + 3 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
        c13.intoArray(z, z1 + 3 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c22.intoArray(z, z2 + 2 * L);
        c23.intoArray(z, z2 + 3 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
        c32.intoArray(z, z3 + 2 * L);
        c33.intoArray(z, z3 + 3 * L);
        c40.intoArray(z, z4);
        c41.intoArray(z, z4 + 1 * L);
        c42.intoArray(z, z4 + 2 * L);
        c43.intoArray(z, z4 + 3 * L);
        c50.intoArray(z, z5);
        c51.intoArray(z, z5 + 1 * L);
        c52.intoArray(z, z5 + 2 * L);
        c53.intoArray(z, z5 + 3 * L);
    }

    /** 4 rows x 4 vectors: 16 accumulators, 8 loads per 16 FMAs. */
    static void k4x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L), c03 = FloatVector.fromArray(S, z, z0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L), c13 = FloatVector.fromArray(S, z, z1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L),
                c22 = FloatVector.fromArray(S, z, z2 + 2 * L), c23 = FloatVector.fromArray(S, z, z2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L),
                c32 = FloatVector.fromArray(S, z, z3 + 2 * L), c33 = FloatVector.fromArray(S, z, z3 + 3 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            final FloatVector b3 = FloatVector.fromArray(S, bd, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c03.intoArray(z, z0 + 3 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
        c13.intoArray(z, z1 + 3 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c22.intoArray(z, z2 + 2 * L);
        c23.intoArray(z, z2 + 3 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
        c32.intoArray(z, z3 + 2 * L);
        c33.intoArray(z, z3 + 3 * L);
    }

    /** 2 rows x 4 vectors: 8 accumulators, 6 loads per 8 FMAs. */
    static void k2x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L), c03 = FloatVector.fromArray(S, z, z0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L), c13 = FloatVector.fromArray(S, z, z1 + 3 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            final FloatVector b3 = FloatVector.fromArray(S, bd, bo + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c03.intoArray(z, z0 + 3 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
        c13.intoArray(z, z1 + 3 * L);
    }

    /** One row x 4 vectors; even and odd k in separate accumulators (8 chains hide the FMA latency). */
    static void k1x4(float[] a, int a0, float[] bd, int base, int p, int k, float[] z, int z0) {
        FloatVector c0 = FloatVector.fromArray(S, z, z0), c1 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c2 = FloatVector.fromArray(S, z, z0 + 2 * L), c3 = FloatVector.fromArray(S, z, z0 + 3 * L);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        int kk = 0, bo = base;
        for (; kk + 1 < k; kk += 2, bo += 2 * p) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bd, bo + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, bd, bo + 3 * L), c3);
            FloatVector y = FloatVector.broadcast(S, a[a0 + kk + 1]);
            d0 = y.fma(FloatVector.fromArray(S, bd, bo + p), d0);
            d1 = y.fma(FloatVector.fromArray(S, bd, bo + p + 1 * L), d1);
            d2 = y.fma(FloatVector.fromArray(S, bd, bo + p + 2 * L), d2);
            d3 = y.fma(FloatVector.fromArray(S, bd, bo + p + 3 * L), d3);
        }
        if (kk < k) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bd, bo + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, bd, bo + 3 * L), c3);
        }
        c0.add(d0).intoArray(z, z0);
        c1.add(d1).intoArray(z, z0 + 1 * L);
        c2.add(d2).intoArray(z, z0 + 2 * L);
        c3.add(d3).intoArray(z, z0 + 3 * L);
    }

    /** 6 rows x 2 vectors: 12 accumulators, 8 loads per 12 FMAs. */
    static void k6x2(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        final int z4 = z3 + ldz, a4 = a3 + lda;
        final int z5 = z4 + ldz, a5 = a4 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L);
        FloatVector c40 = FloatVector.fromArray(S, z, z4), c41 = FloatVector.fromArray(S, z, z4 + 1 * L);
        FloatVector c50 = FloatVector.fromArray(S, z, z5), c51 = FloatVector.fromArray(S, z, z5 + 1 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
        c40.intoArray(z, z4);
        c41.intoArray(z, z4 + 1 * L);
        c50.intoArray(z, z5);
        c51.intoArray(z, z5 + 1 * L);
    }

    /** 4 rows x 2 vectors: 8 accumulators, 6 loads per 8 FMAs. */
    static void k4x2(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
    }

    /** 2 rows x 2 vectors: 4 accumulators, 4 loads per 4 FMAs. */
    static void k2x2(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
    }

    /** One row x 2 vectors; even and odd k in separate accumulators (4 chains hide the FMA latency). */
    static void k1x2(float[] a, int a0, float[] bd, int base, int p, int k, float[] z, int z0) {
        FloatVector c0 = FloatVector.fromArray(S, z, z0), c1 = FloatVector.fromArray(S, z, z0 + 1 * L);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S);
        int kk = 0, bo = base;
        for (; kk + 1 < k; kk += 2, bo += 2 * p) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
            FloatVector y = FloatVector.broadcast(S, a[a0 + kk + 1]);
            d0 = y.fma(FloatVector.fromArray(S, bd, bo + p), d0);
            d1 = y.fma(FloatVector.fromArray(S, bd, bo + p + 1 * L), d1);
        }
        if (kk < k) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
        }
        c0.add(d0).intoArray(z, z0);
        c1.add(d1).intoArray(z, z0 + 1 * L);
    }

    /** 4 rows x 3 vectors: 12 accumulators, 7 loads per 12 FMAs. */
    static void k4x3(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L),
                c22 = FloatVector.fromArray(S, z, z2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L),
                c32 = FloatVector.fromArray(S, z, z3 + 2 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c22.intoArray(z, z2 + 2 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
        c32.intoArray(z, z3 + 2 * L);
    }

    /** 2 rows x 3 vectors: 6 accumulators, 5 loads per 6 FMAs. */
    static void k2x3(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
    }

    /** One row x 3 vectors; even and odd k in separate accumulators (6 chains hide the FMA latency). */
    static void k1x3(float[] a, int a0, float[] bd, int base, int p, int k, float[] z, int z0) {
        FloatVector c0 = FloatVector.fromArray(S, z, z0), c1 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c2 = FloatVector.fromArray(S, z, z0 + 2 * L);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S);
        int kk = 0, bo = base;
        for (; kk + 1 < k; kk += 2, bo += 2 * p) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bd, bo + 2 * L), c2);
            FloatVector y = FloatVector.broadcast(S, a[a0 + kk + 1]);
            d0 = y.fma(FloatVector.fromArray(S, bd, bo + p), d0);
            d1 = y.fma(FloatVector.fromArray(S, bd, bo + p + 1 * L), d1);
            d2 = y.fma(FloatVector.fromArray(S, bd, bo + p + 2 * L), d2);
        }
        if (kk < k) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = x.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, bd, bo + 1 * L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bd, bo + 2 * L), c2);
        }
        c0.add(d0).intoArray(z, z0);
        c1.add(d1).intoArray(z, z0 + 1 * L);
        c2.add(d2).intoArray(z, z0 + 2 * L);
    }

    /** 8 rows x 3 vectors: 24 accumulators, 11 loads per 24 FMAs. */
    static void k8x3(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        final int z1 = z0 + ldz, a1 = a0 + lda;
        final int z2 = z1 + ldz, a2 = a1 + lda;
        final int z3 = z2 + ldz, a3 = a2 + lda;
        final int z4 = z3 + ldz, a4 = a3 + lda;
        final int z5 = z4 + ldz, a5 = a4 + lda;
        final int z6 = z5 + ldz, a6 = a5 + lda;
        final int z7 = z6 + ldz, a7 = a6 + lda;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + 1 * L),
                c02 = FloatVector.fromArray(S, z, z0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + 1 * L),
                c12 = FloatVector.fromArray(S, z, z1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + 1 * L),
                c22 = FloatVector.fromArray(S, z, z2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + 1 * L),
                c32 = FloatVector.fromArray(S, z, z3 + 2 * L);
        FloatVector c40 = FloatVector.fromArray(S, z, z4), c41 = FloatVector.fromArray(S, z, z4 + 1 * L),
                c42 = FloatVector.fromArray(S, z, z4 + 2 * L);
        FloatVector c50 = FloatVector.fromArray(S, z, z5), c51 = FloatVector.fromArray(S, z, z5 + 1 * L),
                c52 = FloatVector.fromArray(S, z, z5 + 2 * L);
        FloatVector c60 = FloatVector.fromArray(S, z, z6), c61 = FloatVector.fromArray(S, z, z6 + 1 * L),
                c62 = FloatVector.fromArray(S, z, z6 + 2 * L);
        FloatVector c70 = FloatVector.fromArray(S, z, z7), c71 = FloatVector.fromArray(S, z, z7 + 1 * L),
                c72 = FloatVector.fromArray(S, z, z7 + 2 * L);
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            final FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            final FloatVector b1 = FloatVector.fromArray(S, bd, bo + 1 * L);
            final FloatVector b2 = FloatVector.fromArray(S, bd, bo + 2 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            x = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            c42 = x.fma(b2, c42);
            x = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            c52 = x.fma(b2, c52);
            x = FloatVector.broadcast(S, a[a6 + kk]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            c62 = x.fma(b2, c62);
            x = FloatVector.broadcast(S, a[a7 + kk]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            c72 = x.fma(b2, c72);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + 1 * L);
        c02.intoArray(z, z0 + 2 * L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + 1 * L);
        c12.intoArray(z, z1 + 2 * L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + 1 * L);
        c22.intoArray(z, z2 + 2 * L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + 1 * L);
        c32.intoArray(z, z3 + 2 * L);
        c40.intoArray(z, z4);
        c41.intoArray(z, z4 + 1 * L);
        c42.intoArray(z, z4 + 2 * L);
        c50.intoArray(z, z5);
        c51.intoArray(z, z5 + 1 * L);
        c52.intoArray(z, z5 + 2 * L);
        c60.intoArray(z, z6);
        c61.intoArray(z, z6 + 1 * L);
        c62.intoArray(z, z6 + 2 * L);
        c70.intoArray(z, z7);
        c71.intoArray(z, z7 + 1 * L);
        c72.intoArray(z, z7 + 2 * L);
    }

}
