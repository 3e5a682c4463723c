package io.seqstream.model.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API. The product is {@link PanelKernels}' register-blocked micro-kernel in the
 * {@link Blocking} chosen for this machine (6 rows x 4 vectors with 32 vector registers, 4 x 3 with 16).
 * Gates and the softmax use this class's own vector exp, on FMAs.
 */
public final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private final Blocking blocking;

    private VectorKernels(Blocking blocking) {
        this.blocking = blocking;
    }

    /** Kernels with the blocking chosen for this machine's species and registers ({@link Blocking#choose}). */
    static VectorKernels create() {
        // Touch the species so a missing module fails here, inside Kernels.best()'s try.
        if (S.length() < 4)
            throw new IllegalStateException("vector species too short: " + S);
        return new VectorKernels(Blocking.choose(L));
    }

    /** Kernels with a given blocking (tests run every shape on any machine). */
    public static VectorKernels withBlocking(Blocking blocking) {
        return new VectorKernels(blocking);
    }

    /** Floats per vector of the species in use (16 for 512-bit, 8 for 256-bit, 4 for 128-bit). */
    public static int lanes() {
        return L;
    }

    public Blocking blocking() {
        return blocking;
    }

    @Override
    public int panelWidth() {
        return blocking.panelWidth(L);
    }

    @Override
    public String describe() {
        return "vector " + S.vectorBitSize() + "-bit, blocking " + blocking + " (" + Blocking.vectorRegisters() + " registers)";
    }

    @Override
    public void gemmAcc(float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz) {
        PanelKernels.gemmAcc(blocking, a, aOff, lda, n, b, z, zOff, ldz);
    }

    // exp, sigmoid and tanh of the gates and the softmax, on FMAs (expInto): the JDK's vector EXP and TANH cost 30-40
    // cycles per 256-bit vector on AMD Zen (a third of the LSTM step there); this exp takes about 15 instructions.
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f; // ln 2 in two parts: n * LN2_HI is exact for |n| <= 128
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUNDER = 12582912f; // 1.5 * 2^23: adding it rounds to an integer, kept in the low bits
    private static final float EXP_UNDER = -86.5f; // below: 0 (e^x < 3e-38, where 2^n would be subnormal)
    private static final float EXP_OVER = 88.7228f; // above: infinity

    @Override
    public void lstmGates(float[] z, int ldz, float[] c, float[] h, int n, int u, ActivationFunction act, ActivationFunction rec) {
        int vecEnd = u - u % L;
        // Passes of small methods over each row (as the training gates below): one loop holding five inlined exps
        // grows past what C2 inlines, and a vector operation left out of line boxes.
        for (int r = 0; r < n; r++) {
            int zo = r * ldz, so = r * u;
            if (vecEnd > 0) {
                activateInto(rec, z, zo, z, zo, vecEnd);
                activateInto(rec, z, zo + u, z, zo + u, vecEnd);
                activateInto(act, z, zo + 2 * u, z, zo + 2 * u, vecEnd);
                activateInto(rec, z, zo + 3 * u, z, zo + 3 * u, vecEnd);
                cellUpdate(z, zo, u, c, so, so, vecEnd);
                activateInto(act, c, so, z, zo + 2 * u, vecEnd); // the candidate block is consumed: act(c) goes there
                outputGate(z, zo + 3 * u, z, zo + 2 * u, h, so, vecEnd);
            }
            ScalarKernels.lstmGateRow(z, zo, c, h, so, vecEnd, u, act, rec); // the units past the last whole vector
        }
    }

    /** {@code dst[d..] = f(src[s..])} over {@code len} (whole vectors), one pass per function; {@code dst} may be {@code src}. */
    private static void activateInto(ActivationFunction f, float[] src, int s, float[] dst, int d, int len) {
        switch (f) {
            case SIGMOID -> sigmoidInto(src, s, dst, d, len);
            case TANH -> tanhInto(src, s, dst, d, len);
            case LINEAR -> System.arraycopy(src, s, dst, d, len);
            case RELU -> reluInto(src, s, dst, d, len);
            case HARD_SIGMOID -> hardSigmoidInto(src, s, dst, d, len);
            case HARD_SIGMOID_KERAS3 -> hardSigmoidKeras3Into(src, s, dst, d, len);
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        }
    }

    private static void reluInto(float[] src, int s, float[] dst, int d, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, src, s + j).max(0f).intoArray(dst, d + j);
        }
    }

    /** Keras 2's {@code clip(0.2 x + 0.5, 0, 1)}. */
    private static void hardSigmoidInto(float[] src, int s, float[] dst, int d, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, src, s + j).mul(0.2f).add(0.5f).max(0f).min(1f).intoArray(dst, d + j);
        }
    }

    /** Keras 3's {@code relu6(x + 3) / 6}. */
    private static void hardSigmoidKeras3Into(float[] src, int s, float[] dst, int d, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, src, s + j).add(3f).max(0f).min(6f).div(6f).intoArray(dst, d + j);
        }
    }

    // Training gates: Keras' default pair (tanh, sigmoid) runs as passes of small methods over a row, each with
    // constant operators, so C2 inlines and intrinsifies every vector operation (a fused loop with a switch over the
    // activations fell back to the Java implementation of the Vector API). Other pairs take the scalar rows.

    @Override
    public void lstmGatesForward(float[] z, int zOff, float[] c, int cPrev, int cNext, float[] h, int hOff, float[] gates, float[] actC,
            int actCOff,
            int n, int u, ActivationFunction act, ActivationFunction rec) {
        boolean fast = act == ActivationFunction.TANH && rec == ActivationFunction.SIGMOID;
        int vecEnd = fast ? u - u % L : 0;
        for (int r = 0; r < n; r++) {
            int zo = zOff + r * 4 * u, cp = cPrev + r * u, cn = cNext + r * u, ho = hOff + r * u, ao = actCOff + r * u;
            if (vecEnd > 0) {
                sigmoidInto(z, zo, gates, zo, vecEnd);
                sigmoidInto(z, zo + u, gates, zo + u, vecEnd);
                tanhInto(z, zo + 2 * u, gates, zo + 2 * u, vecEnd);
                sigmoidInto(z, zo + 3 * u, gates, zo + 3 * u, vecEnd);
                cellUpdate(gates, zo, u, c, cp, cn, vecEnd);
                tanhInto(c, cn, actC, ao, vecEnd);
                outputGate(gates, zo + 3 * u, actC, ao, h, ho, vecEnd);
            }
            ScalarKernels.lstmForwardRow(z, zo, c, cp, cn, h, ho, gates, actC, ao, vecEnd, u, act, rec);
        }
    }

    @Override
    public void gruGatesResetAfter(float[] x, float[] rec, int g, float[] h, int n, int u, ActivationFunction act,
            ActivationFunction recAct) {
        int vecEnd = act == ActivationFunction.TANH && recAct == ActivationFunction.SIGMOID ? u - u % L : 0;
        for (int r = 0; r < n; r++) {
            int zo = r * g, ho = r * u;
            if (vecEnd > 0) { // passes over the row's whole vectors; x's blocks become z, r and the candidate in place
                addInto(x, zo, rec, zo, vecEnd);
                addInto(x, zo + u, rec, zo + u, vecEnd);
                sigmoidInto(x, zo, x, zo, vecEnd);
                sigmoidInto(x, zo + u, x, zo + u, vecEnd);
                fmaInto(rec, zo + 2 * u, x, zo + u, x, zo + 2 * u, vecEnd);
                tanhInto(x, zo + 2 * u, x, zo + 2 * u, vecEnd);
                interpolateInto(x, zo, x, zo + 2 * u, h, ho, vecEnd);
            }
            ScalarKernels.gruResetAfterRow(x, rec, zo, h, ho, vecEnd, u, act, recAct); // the units past the last whole vector
        }
    }

    @Override
    public void gruResetGate(float[] x, int g, float[] rec, int gRec, float[] h, float[] rh, int n, int u, ActivationFunction recAct) {
        int vecEnd = recAct == ActivationFunction.SIGMOID ? u - u % L : 0;
        for (int r = 0; r < n; r++) {
            int xo = r * g, ro = r * gRec, ho = r * u;
            if (vecEnd > 0) {
                addInto(x, xo + u, rec, ro + u, vecEnd);
                sigmoidInto(x, xo + u, x, xo + u, vecEnd); // x's r block becomes the reset gate
                mulInto(x, xo + u, h, ho, rh, ho, vecEnd);
                addInto(x, xo, rec, ro, vecEnd); // completes the update gate's pre-activation
            }
            ScalarKernels.gruResetGateRow(x, xo, rec, ro, h, rh, ho, vecEnd, u, recAct);
        }
    }

    @Override
    public void gruUpdate(float[] x, int g, float[] recH, int gRecH, float[] h, int n, int u, ActivationFunction act,
            ActivationFunction recAct) {
        int vecEnd = act == ActivationFunction.TANH && recAct == ActivationFunction.SIGMOID ? u - u % L : 0;
        for (int r = 0; r < n; r++) {
            int xo = r * g, ro = r * gRecH, ho = r * u;
            if (vecEnd > 0) {
                sigmoidInto(x, xo, x, xo, vecEnd);
                addInto(x, xo + 2 * u, recH, ro, vecEnd);
                tanhInto(x, xo + 2 * u, x, xo + 2 * u, vecEnd);
                interpolateInto(x, xo, x, xo + 2 * u, h, ho, vecEnd);
            }
            ScalarKernels.gruUpdateRow(x, xo, recH, ro, h, ho, vecEnd, u, act, recAct);
        }
    }

    /** {@code a[ao..] += b[bo..]} over {@code len} (whole vectors). */
    private static void addInto(float[] a, int ao, float[] b, int bo, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, a, ao + j).add(FloatVector.fromArray(S, b, bo + j)).intoArray(a, ao + j);
        }
    }

    /** {@code acc[ao..] += m1[o1..] * m2[o2..]} over {@code len} (whole vectors). */
    private static void fmaInto(float[] m1, int o1, float[] m2, int o2, float[] acc, int ao, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, m1, o1 + j).fma(FloatVector.fromArray(S, m2, o2 + j), FloatVector.fromArray(S, acc, ao + j))
                    .intoArray(acc, ao + j);
        }
    }

    /** {@code dst[d..] = a[ao..] * b[bo..]} over {@code len} (whole vectors). */
    private static void mulInto(float[] a, int ao, float[] b, int bo, float[] dst, int d, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, a, ao + j).mul(FloatVector.fromArray(S, b, bo + j)).intoArray(dst, d + j);
        }
    }

    /** {@code h[ho..] = z h + (1 - z) cand} over {@code len} (whole vectors): the GRU's new state. */
    private static void interpolateInto(float[] z, int zo, float[] cand, int co, float[] h, int ho, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector zg = FloatVector.fromArray(S, z, zo + j), c = FloatVector.fromArray(S, cand, co + j);
            zg.fma(FloatVector.fromArray(S, h, ho + j).sub(c), c).intoArray(h, ho + j);
        }
    }

    // The passes below hold no call that passes a vector: C2 boxes a vector that crosses a call it did not inline,
    // and whether it inlines a helper of exp's size varied from one JVM start to the next (the gates took 3x as long
    // in about a third of the starts). exp's arithmetic lives in expInto alone; the others are passes over it.

    /**
     * {@code dst[d..] = e^(scale src[s..] + shift)} over {@code len} (whole vectors): the degree-7
     * Taylor polynomial of e^r, |r| <= ln2/2, times 2^n through the exponent bits; 0 below {@link #EXP_UNDER},
     * infinity above {@link #EXP_OVER}, NaN for NaN.
     */
    static void expInto(float[] src, int s, float scale, float shift, float[] dst, int d, int len) {
        FloatVector sc = FloatVector.broadcast(S, scale), sh = FloatVector.broadcast(S, shift);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E), rounder = FloatVector.broadcast(S, ROUNDER);
        FloatVector ln2Hi = FloatVector.broadcast(S, -LN2_HI), ln2Lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector c7 = FloatVector.broadcast(S, 1f / 5040), c6 = FloatVector.broadcast(S, 1f / 720),
                c5 = FloatVector.broadcast(S, 1f / 120);
        FloatVector c4 = FloatVector.broadcast(S, 1f / 24), c3 = FloatVector.broadcast(S, 1f / 6), c2 = FloatVector.broadcast(S, 0.5f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < len; j += L) {
            FloatVector x = FloatVector.fromArray(S, src, s + j).fma(sc, sh);
            FloatVector t = x.fma(log2e, rounder);
            FloatVector n = t.sub(rounder);
            FloatVector r = n.fma(ln2Lo, n.fma(ln2Hi, x));
            FloatVector p = r.fma(c7, c6).fma(r, c5).fma(r, c4).fma(r, c3).fma(r, c2).fma(r, one).fma(r, one);
            FloatVector half = t.reinterpretAsInts().add(126).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            p.mul(half).mul(2f).blend(0f, x.compare(VectorOperators.LT, EXP_UNDER))
                    .blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_OVER)).intoArray(dst, d + j);
        }
    }

    /** {@code dst[d..] = sigmoid(src[s..]) = 1 / (1 + e^-src)} over {@code len} (whole vectors); {@code dst} may be {@code src}. */
    static void sigmoidInto(float[] src, int s, float[] dst, int d, int len) {
        expInto(src, s, -1f, 0f, dst, d, len);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < len; j += L) {
            one.div(FloatVector.fromArray(S, dst, d + j).add(one)).intoArray(dst, d + j);
        }
    }

    /** {@code dst[d..] = tanh(src[s..]) = 1 - 2 / (e^2src + 1)} over {@code len} (whole vectors); {@code dst} may be {@code src}. */
    static void tanhInto(float[] src, int s, float[] dst, int d, int len) {
        expInto(src, s, 2f, 0f, dst, d, len);
        FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < len; j += L) {
            one.sub(two.div(FloatVector.fromArray(S, dst, d + j).add(one))).intoArray(dst, d + j);
        }
    }

    /** {@code c[cn..] = f * c[cp..] + i * g} from the gate outputs of one row (blocks i, f, g of width u at {@code go}). */
    private static void cellUpdate(float[] gates, int go, int u, float[] c, int cp, int cn, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector i = FloatVector.fromArray(S, gates, go + j), f = FloatVector.fromArray(S, gates, go + u + j);
            FloatVector g = FloatVector.fromArray(S, gates, go + 2 * u + j);
            f.mul(FloatVector.fromArray(S, c, cp + j)).add(i.mul(g)).intoArray(c, cn + j);
        }
    }

    /** {@code h[ho..] = o * actC} over {@code len}. */
    private static void outputGate(float[] gates, int oo, float[] actC, int ao, float[] h, int ho, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(S, gates, oo + j).mul(FloatVector.fromArray(S, actC, ao + j)).intoArray(h, ho + j);
        }
    }

    @Override
    public void lstmGatesBackward(float[] z, float[] gates, int zOff, float[] c, int cPrev, int cNext, float[] actC, int actCOff,
            float[] dh, float[] dc, float[] dz, int n, int u, ActivationFunction act, ActivationFunction rec) {
        boolean fast = act == ActivationFunction.TANH && rec == ActivationFunction.SIGMOID;
        int vecEnd = fast ? u - u % L : 0;
        for (int r = 0; r < n; r++) {
            int a = zOff + r * 4 * u, cp = cPrev + r * u, ao = actCOff + r * u, s = r * u;
            if (vecEnd > 0)
                backwardTanhSigmoid(gates, a, u, c, cp, actC, ao, dh, dc, s, dz, vecEnd);
            ScalarKernels.lstmBackwardRow(z, gates, a, c, cp, cNext + r * u, actC, ao, dh, dc, s, dz, vecEnd, u, act, rec);
        }
    }

    /** One row's backward for tanh / sigmoid, whose derivatives come from the outputs: 1 - y^2 and y (1 - y). */
    private static void backwardTanhSigmoid(float[] gates, int a, int u, float[] c, int cp, float[] actC, int ao, float[] dh, float[] dc,
            int s,
            float[] dz, int len) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < len; j += L) {
            FloatVector ig = FloatVector.fromArray(S, gates, a + j), fg = FloatVector.fromArray(S, gates, a + u + j);
            FloatVector cg = FloatVector.fromArray(S, gates, a + 2 * u + j), og = FloatVector.fromArray(S, gates, a + 3 * u + j);
            FloatVector tc = FloatVector.fromArray(S, actC, ao + j);
            FloatVector dhv = FloatVector.fromArray(S, dh, s + j);
            FloatVector d = dhv.mul(og).mul(one.sub(tc.mul(tc))).add(FloatVector.fromArray(S, dc, s + j));
            d.mul(cg).mul(ig.mul(one.sub(ig))).intoArray(dz, a + j);
            d.mul(FloatVector.fromArray(S, c, cp + j)).mul(fg.mul(one.sub(fg))).intoArray(dz, a + u + j);
            d.mul(ig).mul(one.sub(cg.mul(cg))).intoArray(dz, a + 2 * u + j);
            dhv.mul(tc).mul(og.mul(one.sub(og))).intoArray(dz, a + 3 * u + j);
            d.mul(fg).intoArray(dc, s + j);
        }
    }

    @Override
    public void softmaxRows(float[] x, int n, int stride, int width) {
        int vecEnd = width - width % L;
        float[] tail = vecEnd < width ? TAIL.get() : null;
        for (int r = 0; r < n; r++) {
            int o = r * stride;
            float max = vecEnd > 0 ? rowMax(x, o, o + vecEnd) : Float.NEGATIVE_INFINITY;
            for (int j = o + vecEnd; j < o + width; j++) {
                max = Math.max(max, x[j]);
            }
            double sum = expMinusSum(x, o, o + vecEnd, max);
            if (tail != null)
                sum += expMinusSumTail(x, o + vecEnd, o + width, max, tail);
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

    /** One vector of scratch per thread: a row's last partial vector (e.g. a 10-class head) goes through expInto there. */
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);

    /** {@code x[j] = exp(x[j] - max)} over {@code [from, to)}, fewer than a vector's lanes, through {@code t}; returns their sum. */
    private static double expMinusSumTail(float[] x, int from, int to, float max, float[] t) {
        int m = to - from;
        System.arraycopy(x, from, t, 0, m);
        java.util.Arrays.fill(t, m, L, Float.NEGATIVE_INFINITY); // exp(-inf) = 0: the unused lanes add nothing
        expInto(t, 0, 1f, -max, t, 0, L);
        System.arraycopy(t, 0, x, from, m);
        double sum = 0;
        for (int j = 0; j < m; j++)
            sum += t[j];
        return sum;
    }

    /** {@code x[j] = exp(x[j] - max)} over {@code [from, to)} (whole vectors); returns their sum. */
    private static double expMinusSum(float[] x, int from, int to, float max) {
        expInto(x, from, 1f, -max, x, from, to - from);
        FloatVector sum = FloatVector.zero(S);
        for (int j = from; j < to; j += L) {
            sum = sum.add(FloatVector.fromArray(S, x, j));
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
            int o = 0;
            for (; o + 4 <= m; o += 4) // four units at once: four independent FMA chains over one load of x
                denseRows4(x, xo, k, vecEnd, wT, o, bias, out, r * m);
            for (; o < m; o++) {
                int wo = o * k;
                FloatVector acc = FloatVector.zero(S);
                int kk = 0;
                for (; kk < vecEnd; kk += L) {
                    acc = FloatVector.fromArray(S, x, xo + kk).fma(FloatVector.fromArray(S, wT, wo + kk), acc);
                }
                float s = acc.reduceLanes(VectorOperators.ADD);
                for (; kk < k; kk++)
                    s += x[xo + kk] * wT[wo + kk];
                out[r * m + o] = s + bias[o];
            }
        }
    }

    /** Units {@code o..o+3} of one row of {@link #denseRows}, each summed in the same order as one unit alone. */
    private static void denseRows4(float[] x, int xo, int k, int vecEnd, float[] wT, int o, float[] bias, float[] out, int outRow) {
        int w0 = o * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int kk = 0;
        for (; kk < vecEnd; kk += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + kk);
            a0 = xv.fma(FloatVector.fromArray(S, wT, w0 + kk), a0);
            a1 = xv.fma(FloatVector.fromArray(S, wT, w1 + kk), a1);
            a2 = xv.fma(FloatVector.fromArray(S, wT, w2 + kk), a2);
            a3 = xv.fma(FloatVector.fromArray(S, wT, w3 + kk), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; kk < k; kk++) {
            float xs = x[xo + kk];
            s0 += xs * wT[w0 + kk];
            s1 += xs * wT[w1 + kk];
            s2 += xs * wT[w2 + kk];
            s3 += xs * wT[w3 + kk];
        }
        out[outRow + o] = s0 + bias[o];
        out[outRow + o + 1] = s1 + bias[o + 1];
        out[outRow + o + 2] = s2 + bias[o + 2];
        out[outRow + o + 3] = s3 + bias[o + 3];
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
        for (int i = 0;; i += L) {
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
