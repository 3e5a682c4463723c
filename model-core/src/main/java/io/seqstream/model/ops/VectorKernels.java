package io.seqstream.model.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. The product is a register-blocked micro-kernel: 6 rows by 4 vectors of a
 * packed panel, 24 accumulators that stay in registers over an L1-sized block of the inner dimension
 * (smaller blocks for the batch's remaining rows). Gates use vectorised exp/tanh.
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
        return 4 * L;
    }

    /** Inner-dimension block: a panel slice of KC x 4 vectors (16 KB) plus the rows of A stay in a 32 KB L1. */
    private static final int KC = Math.max(32, 16384 / (4 * L * 4));

    @Override
    public void gemmAcc(float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz) {
        final int p = b.p, k = b.k;
        final float[] bd = b.data;
        for (int pi = 0; pi < b.panels; pi++) {
            final int col = pi * p;
            for (int k0 = 0; k0 < k; k0 += KC) {
                final int kl = Math.min(KC, k - k0);
                final int base = (pi * k + k0) * p;
                int r = 0;
                for (; r + 6 <= n; r += 6) {
                    kernel6x4(a, aOff + r * lda + k0, lda, bd, base, p, kl, z, zOff + r * ldz + col, ldz);
                }
                for (; r + 4 <= n; r += 4) {
                    kernel4x4(a, aOff + r * lda + k0, lda, bd, base, p, kl, z, zOff + r * ldz + col, ldz);
                }
                for (; r + 2 <= n; r += 2) {
                    kernel2x4(a, aOff + r * lda + k0, lda, bd, base, p, kl, z, zOff + r * ldz + col, ldz);
                }
                for (; r < n; r++) {
                    kernel1x4(a, aOff + r * lda + k0, bd, base, p, kl, z, zOff + r * ldz + col);
                }
            }
        }
    }

    /** 6 rows x 4 vectors: 24 accumulators (AVX-512 has 32 registers), 10 loads per 24 FMAs. */
    private static void kernel6x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int z1 = z0 + ldz, z2 = z1 + ldz, z3 = z2 + ldz, z4 = z3 + ldz, z5 = z4 + ldz;
        final int l2 = 2 * L, l3 = 3 * L;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L), c02 = FloatVector.fromArray(S, z, z0 + l2), c03 = FloatVector.fromArray(S, z, z0 + l3);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + L), c12 = FloatVector.fromArray(S, z, z1 + l2), c13 = FloatVector.fromArray(S, z, z1 + l3);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + L), c22 = FloatVector.fromArray(S, z, z2 + l2), c23 = FloatVector.fromArray(S, z, z2 + l3);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + L), c32 = FloatVector.fromArray(S, z, z3 + l2), c33 = FloatVector.fromArray(S, z, z3 + l3);
        FloatVector c40 = FloatVector.fromArray(S, z, z4), c41 = FloatVector.fromArray(S, z, z4 + L), c42 = FloatVector.fromArray(S, z, z4 + l2), c43 = FloatVector.fromArray(S, z, z4 + l3);
        FloatVector c50 = FloatVector.fromArray(S, z, z5), c51 = FloatVector.fromArray(S, z, z5 + L), c52 = FloatVector.fromArray(S, z, z5 + l2), c53 = FloatVector.fromArray(S, z, z5 + l3);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            FloatVector b1 = FloatVector.fromArray(S, bd, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bd, bo + l2);
            FloatVector b3 = FloatVector.fromArray(S, bd, bo + l3);
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01); c02 = v.fma(b2, c02); c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11); c12 = v.fma(b2, c12); c13 = v.fma(b3, c13);
            v = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21); c22 = v.fma(b2, c22); c23 = v.fma(b3, c23);
            v = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31); c32 = v.fma(b2, c32); c33 = v.fma(b3, c33);
            v = FloatVector.broadcast(S, a[a4 + kk]);
            c40 = v.fma(b0, c40); c41 = v.fma(b1, c41); c42 = v.fma(b2, c42); c43 = v.fma(b3, c43);
            v = FloatVector.broadcast(S, a[a5 + kk]);
            c50 = v.fma(b0, c50); c51 = v.fma(b1, c51); c52 = v.fma(b2, c52); c53 = v.fma(b3, c53);
        }
        c00.intoArray(z, z0); c01.intoArray(z, z0 + L); c02.intoArray(z, z0 + l2); c03.intoArray(z, z0 + l3);
        c10.intoArray(z, z1); c11.intoArray(z, z1 + L); c12.intoArray(z, z1 + l2); c13.intoArray(z, z1 + l3);
        c20.intoArray(z, z2); c21.intoArray(z, z2 + L); c22.intoArray(z, z2 + l2); c23.intoArray(z, z2 + l3);
        c30.intoArray(z, z3); c31.intoArray(z, z3 + L); c32.intoArray(z, z3 + l2); c33.intoArray(z, z3 + l3);
        c40.intoArray(z, z4); c41.intoArray(z, z4 + L); c42.intoArray(z, z4 + l2); c43.intoArray(z, z4 + l3);
        c50.intoArray(z, z5); c51.intoArray(z, z5 + L); c52.intoArray(z, z5 + l2); c53.intoArray(z, z5 + l3);
    }

    /** 4 rows x 4 vectors (16 accumulators): the remainder of a batch after blocks of 6. */
    private static void kernel4x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int z1 = z0 + ldz, z2 = z1 + ldz, z3 = z2 + ldz;
        final int l2 = 2 * L, l3 = 3 * L;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L), c02 = FloatVector.fromArray(S, z, z0 + l2), c03 = FloatVector.fromArray(S, z, z0 + l3);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + L), c12 = FloatVector.fromArray(S, z, z1 + l2), c13 = FloatVector.fromArray(S, z, z1 + l3);
        FloatVector c20 = FloatVector.fromArray(S, z, z2), c21 = FloatVector.fromArray(S, z, z2 + L), c22 = FloatVector.fromArray(S, z, z2 + l2), c23 = FloatVector.fromArray(S, z, z2 + l3);
        FloatVector c30 = FloatVector.fromArray(S, z, z3), c31 = FloatVector.fromArray(S, z, z3 + L), c32 = FloatVector.fromArray(S, z, z3 + l2), c33 = FloatVector.fromArray(S, z, z3 + l3);
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            FloatVector b1 = FloatVector.fromArray(S, bd, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bd, bo + l2);
            FloatVector b3 = FloatVector.fromArray(S, bd, bo + l3);
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01); c02 = v.fma(b2, c02); c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11); c12 = v.fma(b2, c12); c13 = v.fma(b3, c13);
            v = FloatVector.broadcast(S, a[a2 + kk]);
            c20 = v.fma(b0, c20); c21 = v.fma(b1, c21); c22 = v.fma(b2, c22); c23 = v.fma(b3, c23);
            v = FloatVector.broadcast(S, a[a3 + kk]);
            c30 = v.fma(b0, c30); c31 = v.fma(b1, c31); c32 = v.fma(b2, c32); c33 = v.fma(b3, c33);
        }
        c00.intoArray(z, z0); c01.intoArray(z, z0 + L); c02.intoArray(z, z0 + l2); c03.intoArray(z, z0 + l3);
        c10.intoArray(z, z1); c11.intoArray(z, z1 + L); c12.intoArray(z, z1 + l2); c13.intoArray(z, z1 + l3);
        c20.intoArray(z, z2); c21.intoArray(z, z2 + L); c22.intoArray(z, z2 + l2); c23.intoArray(z, z2 + l3);
        c30.intoArray(z, z3); c31.intoArray(z, z3 + L); c32.intoArray(z, z3 + l2); c33.intoArray(z, z3 + l3);
    }

    /** 2 rows x 4 vectors. */
    private static void kernel2x4(float[] a, int a0, int lda, float[] bd, int base, int p, int k, float[] z, int z0, int ldz) {
        int z1 = z0 + ldz;
        final int l2 = 2 * L, l3 = 3 * L;
        FloatVector c00 = FloatVector.fromArray(S, z, z0), c01 = FloatVector.fromArray(S, z, z0 + L), c02 = FloatVector.fromArray(S, z, z0 + l2), c03 = FloatVector.fromArray(S, z, z0 + l3);
        FloatVector c10 = FloatVector.fromArray(S, z, z1), c11 = FloatVector.fromArray(S, z, z1 + L), c12 = FloatVector.fromArray(S, z, z1 + l2), c13 = FloatVector.fromArray(S, z, z1 + l3);
        int a1 = a0 + lda;
        for (int kk = 0, bo = base; kk < k; kk++, bo += p) {
            FloatVector b0 = FloatVector.fromArray(S, bd, bo);
            FloatVector b1 = FloatVector.fromArray(S, bd, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bd, bo + l2);
            FloatVector b3 = FloatVector.fromArray(S, bd, bo + l3);
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c00 = v.fma(b0, c00); c01 = v.fma(b1, c01); c02 = v.fma(b2, c02); c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, a[a1 + kk]);
            c10 = v.fma(b0, c10); c11 = v.fma(b1, c11); c12 = v.fma(b2, c12); c13 = v.fma(b3, c13);
        }
        c00.intoArray(z, z0); c01.intoArray(z, z0 + L); c02.intoArray(z, z0 + l2); c03.intoArray(z, z0 + l3);
        c10.intoArray(z, z1); c11.intoArray(z, z1 + L); c12.intoArray(z, z1 + l2); c13.intoArray(z, z1 + l3);
    }

    /** One row x 4 vectors; even and odd k in separate accumulators, so 8 FMA chains hide the latency. */
    private static void kernel1x4(float[] a, int a0, float[] bd, int base, int p, int k, float[] z, int z0) {
        final int l2 = 2 * L, l3 = 3 * L;
        FloatVector c0 = FloatVector.fromArray(S, z, z0), c1 = FloatVector.fromArray(S, z, z0 + L);
        FloatVector c2 = FloatVector.fromArray(S, z, z0 + l2), c3 = FloatVector.fromArray(S, z, z0 + l3);
        FloatVector d0 = FloatVector.zero(S), d1 = FloatVector.zero(S), d2 = FloatVector.zero(S), d3 = FloatVector.zero(S);
        int kk = 0, bo = base;
        for (; kk + 1 < k; kk += 2, bo += 2 * p) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = v.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = v.fma(FloatVector.fromArray(S, bd, bo + L), c1);
            c2 = v.fma(FloatVector.fromArray(S, bd, bo + l2), c2);
            c3 = v.fma(FloatVector.fromArray(S, bd, bo + l3), c3);
            FloatVector w = FloatVector.broadcast(S, a[a0 + kk + 1]);
            d0 = w.fma(FloatVector.fromArray(S, bd, bo + p), d0);
            d1 = w.fma(FloatVector.fromArray(S, bd, bo + p + L), d1);
            d2 = w.fma(FloatVector.fromArray(S, bd, bo + p + l2), d2);
            d3 = w.fma(FloatVector.fromArray(S, bd, bo + p + l3), d3);
        }
        if (kk < k) {
            FloatVector v = FloatVector.broadcast(S, a[a0 + kk]);
            c0 = v.fma(FloatVector.fromArray(S, bd, bo), c0);
            c1 = v.fma(FloatVector.fromArray(S, bd, bo + L), c1);
            c2 = v.fma(FloatVector.fromArray(S, bd, bo + l2), c2);
            c3 = v.fma(FloatVector.fromArray(S, bd, bo + l3), c3);
        }
        c0.add(d0).intoArray(z, z0);
        c1.add(d1).intoArray(z, z0 + L);
        c2.add(d2).intoArray(z, z0 + l2);
        c3.add(d3).intoArray(z, z0 + l3);
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
            ScalarKernels.lstmGateRow(z, zo, c, h, so, j, u, act, rec); // the units past the last whole vector
        }
    }

    @Override
    public void softmaxRows(float[] x, int n, int stride, int width) {
        int vecEnd = width - width % L;
        for (int r = 0; r < n; r++) {
            int o = r * stride;
            float max = vecEnd > 0 ? rowMax(x, o, o + vecEnd) : Float.NEGATIVE_INFINITY;
            for (int j = o + vecEnd; j < o + width; j++) {
                max = Math.max(max, x[j]);
            }
            double sum = expMinusSum(x, o, o + vecEnd, max);
            for (int j = o + vecEnd; j < o + width; j++) {
                float e = (float) Math.exp(x[j] - max);
                x[j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            scale(x, o, o + vecEnd, inv);
            for (int j = o + vecEnd; j < o + width; j++) {
                x[j] *= inv;
            }
        }
    }

    // The softmax passes, each a small method of its own: C2 intrinsifies vector operations only when it
    // inlines all of them, which it may stop doing inside a larger method (the fallback is many times slower).

    /** Largest of {@code x[from..to)} (whole vectors); NaN if any is. */
    private static float rowMax(float[] x, int from, int to) {
        FloatVector m = FloatVector.fromArray(S, x, from);
        for (int j = from + L; j < to; j += L) {
            m = m.max(FloatVector.fromArray(S, x, j));
        }
        return m.reduceLanes(VectorOperators.MAX);
    }

    /** {@code x[j] = exp(x[j] - max)} over {@code [from, to)} (whole vectors); returns their sum. */
    private static double expMinusSum(float[] x, int from, int to, float max) {
        FloatVector mv = FloatVector.broadcast(S, max);
        FloatVector sum = FloatVector.zero(S);
        for (int j = from; j < to; j += L) {
            FloatVector e = FloatVector.fromArray(S, x, j).sub(mv).lanewise(VectorOperators.EXP);
            e.intoArray(x, j);
            sum = sum.add(e);
        }
        return sum.reduceLanes(VectorOperators.ADD);
    }

    private static void scale(float[] x, int from, int to, float f) {
        FloatVector fv = FloatVector.broadcast(S, f);
        for (int j = from; j < to; j += L) {
            FloatVector.fromArray(S, x, j).mul(fv).intoArray(x, j);
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

    /**
     * Two passes without a data-dependent branch per element. Pass 1 takes column-wise maxima over the values
     * seen as rows of 2 vectors: 2L values, each the largest of a disjoint set of the values, so their k-th
     * largest is a lower bound T of the k-th largest value overall. Pass 2 inserts, in index order, only the
     * values >= T (once k are in, only those above the k-th best so far): every one of the top k is among them,
     * ties included, so the result is the plain insertion's over all values, for ~k candidates instead of n.
     * NaN, k > 2L or short input: plain insertion.
     */
    @Override
    public int topK(float[] values, int n, int k, int[] idx) {
        if (k <= 0) {
            return 0;
        }
        final int w = 2 * L;
        if (k > 2 * L || n < 2 * w) {
            return ScalarKernels.selectTopK(values, 0, n, k, idx, 0);
        }
        final int vecEnd = n / w * w;
        float t = kthColumnMax(values, vecEnd, k);
        if (t != t) {
            return ScalarKernels.selectTopK(values, 0, n, k, idx, 0); // a NaN among the values
        }
        // Until the list is full every value >= t is a candidate; then only values above its k-th best (so ties
        // with it, e.g. all-equal values, cost one vector compare each).
        int count = 0;
        float kth = t;
        for (int i = 0; ; i += L) {
            i = count < k ? firstVectorAtLeast(values, i, vecEnd, t) : firstVectorAbove(values, i, vecEnd, kth);
            if (i == vecEnd) {
                break;
            }
            for (int j = i; j < i + L; j++) {
                float v = values[j];
                if (count < k ? v >= t : v > kth) {
                    count = ScalarKernels.selectTopK(values, j, j + 1, k, idx, count);
                    kth = values[idx[count - 1]];
                }
            }
        }
        for (int j = vecEnd; j < n; j++) {
            float v = values[j];
            if (count < k ? v >= t : v > kth) {
                count = ScalarKernels.selectTopK(values, j, j + 1, k, idx, count);
                kth = values[idx[count - 1]];
            }
        }
        return count;
    }

    /** Per-thread scratch of one vector's lanes (the kernels are shared by all threads). */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[2 * L]);

    /** The k-th largest (k <= 2L) of the column maxima of {@code values[0..end)} as rows of 2 vectors; NaN if any value is. */
    private static float kthColumnMax(float[] values, int end, int k) {
        FloatVector m0 = FloatVector.fromArray(S, values, 0), m1 = FloatVector.fromArray(S, values, L);
        for (int i = 2 * L; i < end; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, values, i));
            m1 = m1.max(FloatVector.fromArray(S, values, i + L));
        }
        float[] lanes = LANES.get(); // Java's max propagates NaN into the lanes
        m0.intoArray(lanes, 0);
        m1.intoArray(lanes, L);
        // The k-th largest of the 2L lanes (a lower bound of the k-th largest overall, as each lane is a value):
        // selection by insertion into lanes[0..k), descending.
        for (int i = 0; i < 2 * L; i++) {
            float v = lanes[i];
            if (v != v) {
                return v;
            }
            int pos = Math.min(i, k - 1);
            if (i >= k && !(v > lanes[k - 1])) {
                continue;
            }
            while (pos > 0 && v > lanes[pos - 1]) {
                lanes[pos] = lanes[pos - 1];
                pos--;
            }
            lanes[pos] = v;
        }
        return lanes[k - 1];
    }

    // The scans: small methods with constant operators, as C2 intrinsifies vector operations only when the
    // operator is a constant and it inlines them all (the fallback is many times slower).

    /** Start of the first vector in {@code [from, to)} with a lane >= {@code t}, else {@code to}. */
    private static int firstVectorAtLeast(float[] values, int from, int to, float t) {
        FloatVector tv = FloatVector.broadcast(S, t);
        int i = from;
        while (i < to && !FloatVector.fromArray(S, values, i).compare(VectorOperators.GE, tv).anyTrue()) {
            i += L;
        }
        return i;
    }

    /** Start of the first vector in {@code [from, to)} with a lane > {@code t}, else {@code to}. */
    private static int firstVectorAbove(float[] values, int from, int to, float t) {
        FloatVector tv = FloatVector.broadcast(S, t);
        int i = from;
        while (i < to && !FloatVector.fromArray(S, values, i).compare(VectorOperators.GT, tv).anyTrue()) {
            i += L;
        }
        return i;
    }
}
