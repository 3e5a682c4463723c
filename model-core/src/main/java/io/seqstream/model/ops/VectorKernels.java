package io.seqstream.model.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. The product is a register-blocked micro-kernel: 4 rows by 2 vectors of a
 * packed panel, 8 accumulators that stay in registers over the whole inner dimension. Gates use
 * vectorised exp/tanh.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static Kernels create() {
        // Touch the species so a missing module fails here, inside Kernels.best()'s try.
        if (S.length() < 4) throw new IllegalStateException("vector species too short: " + S);
        return new VectorKernels();
    }

    @Override
    public int panelWidth() {
        return 2 * L;
    }

    @Override
    public void gemmAcc(float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz) {
        final int p = b.p, k = b.k;
        final float[] bd = b.data;
        for (int pi = 0; pi < b.panels; pi++) {
            final int base = pi * k * p;
            final int col = pi * p;
            int r = 0;
            for (; r + 8 <= n; r += 8) {
                kernel8(a, aOff + r * lda, lda, bd, base, p, k, z, zOff + r * ldz + col, ldz);
            }
            for (; r + 4 <= n; r += 4) {
                int z0 = zOff + r * ldz + col, z1 = z0 + ldz, z2 = z1 + ldz, z3 = z2 + ldz;
                FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L);
                FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + L);
                FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + L);
                FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + L);
                int a0 = aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
                    FloatVector b0 = FloatVector.fromArray(S, bd, bo);
                    FloatVector b1 = FloatVector.fromArray(S, bd, bo + L);
                    FloatVector v0 = FloatVector.broadcast(S, a[a0 + kk]);
                    c00 = v0.fma(b0, c00);
                    c01 = v0.fma(b1, c01);
                    FloatVector v1 = FloatVector.broadcast(S, a[a1 + kk]);
                    c10 = v1.fma(b0, c10);
                    c11 = v1.fma(b1, c11);
                    FloatVector v2 = FloatVector.broadcast(S, a[a2 + kk]);
                    c20 = v2.fma(b0, c20);
                    c21 = v2.fma(b1, c21);
                    FloatVector v3 = FloatVector.broadcast(S, a[a3 + kk]);
                    c30 = v3.fma(b0, c30);
                    c31 = v3.fma(b1, c31);
                }
                c00.intoArray(z, z0);
                c01.intoArray(z, z0 + L);
                c10.intoArray(z, z1);
                c11.intoArray(z, z1 + L);
                c20.intoArray(z, z2);
                c21.intoArray(z, z2 + L);
                c30.intoArray(z, z3);
                c31.intoArray(z, z3 + L);
            }
            for (; r < n; r++) {
                int z0 = zOff + r * ldz + col;
                FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L);
                FloatVector d00 = FloatVector.zero(S), d01 = FloatVector.zero(S);
                int a0 = aOff + r * lda;
                int kk = 0, bo = base;
                // two independent chains hide the FMA latency for a single row
                for (; kk + 1 < k; kk += 2, bo += 2 * p) {
                    FloatVector v0 = FloatVector.broadcast(S, a[a0 + kk]);
                    c00 = v0.fma(FloatVector.fromArray(S, bd, bo), c00);
                    c01 = v0.fma(FloatVector.fromArray(S, bd, bo + L), c01);
                    FloatVector v1 = FloatVector.broadcast(S, a[a0 + kk + 1]);
                    d00 = v1.fma(FloatVector.fromArray(S, bd, bo + p), d00);
                    d01 = v1.fma(FloatVector.fromArray(S, bd, bo + p + L), d01);
                }
                for (; kk < k; kk++, bo += p) {
                    FloatVector v0 = FloatVector.broadcast(S, a[a0 + kk]);
                    c00 = v0.fma(FloatVector.fromArray(S, bd, bo), c00);
                    c01 = v0.fma(FloatVector.fromArray(S, bd, bo + L), c01);
                }
                c00.add(d00).intoArray(z, z0);
                c01.add(d01).intoArray(z, z0 + L);
            }
        }
    }

    /** 8 rows x 2 vectors: 16 accumulators in registers (AVX-512 has 32), 10 loads per 16 FMAs. */
    private static void kernel8(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int z1 = z0 + ldz, z2 = z1 + ldz, z3 = z2 + ldz, z4 = z3 + ldz, z5 = z4 + ldz, z6 = z5 + ldz, z7 = z6 + ldz;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + L);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + L);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + L);
        FloatVector c40 = FloatVector.fromArray(S, z, z4), c41 = FloatVector.fromArray(S, z, z4 + L);
        FloatVector c50 = FloatVector.fromArray(S, z, z5), c51 = FloatVector.fromArray(S, z, z5 + L);
        FloatVector c60 = FloatVector.fromArray(S, z, z6), c61 = FloatVector.fromArray(S, z, z6 + L);
        FloatVector c70 = FloatVector.fromArray(S, z, z7), c71 = FloatVector.fromArray(S, z, z7 + L);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            FloatVector b1 = FloatVector.fromArray(S, bd, bo + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
            v = FloatVector.broadcast(S, a[a6 + kk]);
            c60 = v.fma(b0, c60);
            c61 = v.fma(b1, c61);
            v = FloatVector.broadcast(S, a[a7 + kk]);
            c70 = v.fma(b0, c70);
            c71 = v.fma(b1, c71);
        }
        c00.intoArray(z, z0);
        c01.intoArray(z, z0 + L);
        c10.intoArray(z, z1);
        c11.intoArray(z, z1 + L);
        c20.intoArray(z, z2);
        c21.intoArray(z, z2 + L);
        c30.intoArray(z, z3);
        c31.intoArray(z, z3 + L);
        c40.intoArray(z, z4);
        c41.intoArray(z, z4 + L);
        c50.intoArray(z, z5);
        c51.intoArray(z, z5 + L);
        c60.intoArray(z, z6);
        c61.intoArray(z, z6 + L);
        c70.intoArray(z, z7);
        c71.intoArray(z, z7 + L);
    }

    private static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(x.neg().lanewise(VectorOperators.EXP).add(one));
    }

    private static FloatVector apply(ActivationFunction f, FloatVector x) {
        return switch (f) {
            case SIGMOID -> sigmoid(x);
            case TANH -> x.lanewise(VectorOperators.TANH);
            case LINEAR -> x;
            case RELU -> x.max(0f);
            case HARD_SIGMOID -> x.mul(0.2f).add(0.5f).max(0f).min(1f);
            case HARD_SIGMOID_KERAS3 -> x.add(3f).max(0f).min(6f).div(6f);
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    @Override
    public void lstmGates(float[] z, int ldz, float[] c, float[] h, int n, int u, ActivationFunction act, ActivationFunction rec) {
        int vecEnd = u - u % L;
        for (int r = 0; r < n; r++) {
            int zo = r * ldz, so = r * u;
            int j = 0;
            for (; j < vecEnd; j += L) {
                FloatVector i = apply(rec, FloatVector.fromArray(S, z, zo + j));
                FloatVector f = apply(rec, FloatVector.fromArray(S, z, zo + u + j));
                FloatVector g = apply(act, FloatVector.fromArray(S, z, zo + 2 * u + j));
                FloatVector o = apply(rec, FloatVector.fromArray(S, z, zo + 3 * u + j));
                FloatVector cn = f.mul(FloatVector.fromArray(S, c, so + j)).add(i.mul(g));
                cn.intoArray(c, so + j);
                o.mul(apply(act, cn)).intoArray(h, so + j);
            }
            for (; j < u; j++) {
                float i = rec.apply(z[zo + j]);
                float f = rec.apply(z[zo + u + j]);
                float g = act.apply(z[zo + 2 * u + j]);
                float o = rec.apply(z[zo + 3 * u + j]);
                float cn = f * c[so + j] + i * g;
                c[so + j] = cn;
                h[so + j] = o * act.apply(cn);
            }
        }
    }

    @Override
    public void softmaxRows(float[] x, int n, int stride, int width) {
        int vecEnd = width - width % L;
        for (int r = 0; r < n; r++) {
            int o = r * stride;
            float max = Float.NEGATIVE_INFINITY;
            int j = 0;
            if (vecEnd > 0) {
                FloatVector m = FloatVector.fromArray(S, x, o);
                for (j = L; j < vecEnd; j += L) m = m.max(FloatVector.fromArray(S, x, o + j));
                max = m.reduceLanes(VectorOperators.MAX);
            }
            for (j = vecEnd; j < width; j++) max = Math.max(max, x[o + j]);
            FloatVector sumV = FloatVector.zero(S);
            for (j = 0; j < vecEnd; j += L) {
                FloatVector e = FloatVector.fromArray(S, x, o + j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(x, o + j);
                sumV = sumV.add(e);
            }
            double sum = sumV.reduceLanes(VectorOperators.ADD);
            for (j = vecEnd; j < width; j++) {
                float e = (float) Math.exp(x[o + j] - max);
                x[o + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (j = 0; j < vecEnd; j += L) FloatVector.fromArray(S, x, o + j).mul(inv).intoArray(x, o + j);
            for (j = vecEnd; j < width; j++) x[o + j] *= inv;
        }
    }

    @Override
    public void denseRows(float[] x, int lda, int n, int k, float[] wT, float[] bias, float[] out, int m) {
        int vecEnd = k - k % L;
        for (int r = 0; r < n; r++) {
            int xo = r * lda;
            for (int o = 0; o < m; o++) {
                int wo = o * k;
                FloatVector acc = FloatVector.zero(S);
                int kk = 0;
                for (; kk < vecEnd; kk += L) {
                    acc = FloatVector.fromArray(S, x, xo + kk).fma(FloatVector.fromArray(S, wT, wo + kk), acc);
                }
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (; kk < k; kk++) s += x[xo + kk] * wT[wo + kk];
                out[r * m + o] = s + bias[o];
            }
        }
    }
}
