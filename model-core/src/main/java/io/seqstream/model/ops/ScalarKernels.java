package io.seqstream.model.ops;

/** Plain-Java kernels: the fallback when the Vector API module is absent. */
public final class ScalarKernels implements Kernels {
    @Override
    public int panelWidth() {
        return 16;
    }

    @Override
    public String describe() {
        return "scalar";
    }

    @Override
    public void gemmAcc(float[] a, int aOff, int lda, int n, PackedMatrix b, float[] z, int zOff, int ldz) {
        int p = b.p, k = b.k;
        float[] acc = new float[p];
        for (int pi = 0; pi < b.panels; pi++) {
            int base = pi * k * p;
            for (int r = 0; r < n; r++) {
                int zo = zOff + r * ldz + pi * p;
                System.arraycopy(z, zo, acc, 0, p);
                int ao = aOff + r * lda;
                for (int kk = 0; kk < k; kk++) {
                    float av = a[ao + kk];
                    int bo = base + kk * p;
                    for (int j = 0; j < p; j++)
                        acc[j] += av * b.data[bo + j];
                }
                System.arraycopy(acc, 0, z, zo, p);
            }
        }
    }

    @Override
    public void lstmGates(float[] z, int ldz, float[] c, float[] h, int n, int u, ActivationFunction act, ActivationFunction rec) {
        for (int r = 0; r < n; r++)
            lstmGateRow(z, r * ldz, c, h, r * u, 0, u, act, rec);
    }

    /** Gates of units [from, u) of one row: z at {@code zo} (blocks i, f, c, o of width u), c and h at {@code so}. */
    static void lstmGateRow(float[] z, int zo, float[] c, float[] h, int so, int from, int u, ActivationFunction act,
            ActivationFunction rec) {
        for (int j = from; j < u; j++) {
            float i = rec.apply(z[zo + j]);
            float f = rec.apply(z[zo + u + j]);
            float g = act.apply(z[zo + 2 * u + j]);
            float o = rec.apply(z[zo + 3 * u + j]);
            float cn = f * c[so + j] + i * g;
            c[so + j] = cn;
            h[so + j] = o * act.apply(cn);
        }
    }

    @Override
    public void lstmGatesForward(float[] z, int zOff, float[] c, int cPrev, int cNext, float[] h, int hOff, float[] gates, float[] actC,
            int actCOff,
            int n, int u, ActivationFunction act, ActivationFunction rec) {
        for (int r = 0; r < n; r++)
            lstmForwardRow(z, zOff + r * 4 * u, c, cPrev + r * u, cNext + r * u, h, hOff + r * u, gates, actC, actCOff + r * u, 0, u, act,
                    rec);
    }

    /** Forward gates of units [from, u) of one row (offsets are the row's). */
    static void lstmForwardRow(float[] z, int zo, float[] c, int cp, int cn, float[] h, int ho, float[] gates, float[] actC, int ao,
            int from, int u,
            ActivationFunction act, ActivationFunction rec) {
        for (int j = from; j < u; j++) {
            float i = rec.apply(z[zo + j]);
            float f = rec.apply(z[zo + u + j]);
            float g = act.apply(z[zo + 2 * u + j]);
            float o = rec.apply(z[zo + 3 * u + j]);
            float ct = f * c[cp + j] + i * g;
            float tc = act.apply(ct);
            c[cn + j] = ct;
            h[ho + j] = o * tc;
            gates[zo + j] = i;
            gates[zo + u + j] = f;
            gates[zo + 2 * u + j] = g;
            gates[zo + 3 * u + j] = o;
            actC[ao + j] = tc;
        }
    }

    @Override
    public void gruGatesResetAfter(float[] x, float[] rec, int g, float[] h, int n, int u, ActivationFunction act,
            ActivationFunction recAct) {
        for (int r = 0; r < n; r++)
            gruResetAfterRow(x, rec, r * g, h, r * u, 0, u, act, recAct);
    }

    /** Units [from, u) of one row of {@link #gruGatesResetAfter} (offsets are the row's). */
    static void gruResetAfterRow(float[] x, float[] rec, int zo, float[] h, int ho, int from, int u, ActivationFunction act,
            ActivationFunction recAct) {
        for (int j = from; j < u; j++) {
            float zg = recAct.apply(x[zo + j] + rec[zo + j]);
            float rg = recAct.apply(x[zo + u + j] + rec[zo + u + j]);
            float cand = act.apply(x[zo + 2 * u + j] + rg * rec[zo + 2 * u + j]);
            h[ho + j] = zg * h[ho + j] + (1f - zg) * cand;
        }
    }

    @Override
    public void gruResetGate(float[] x, int g, float[] rec, int gRec, float[] h, float[] rh, int n, int u, ActivationFunction recAct) {
        for (int r = 0; r < n; r++)
            gruResetGateRow(x, r * g, rec, r * gRec, h, rh, r * u, 0, u, recAct);
    }

    static void gruResetGateRow(float[] x, int xo, float[] rec, int ro, float[] h, float[] rh, int ho, int from, int u,
            ActivationFunction recAct) {
        for (int j = from; j < u; j++) {
            rh[ho + j] = recAct.apply(x[xo + u + j] + rec[ro + u + j]) * h[ho + j];
            x[xo + j] += rec[ro + j];
        }
    }

    @Override
    public void gruUpdate(float[] x, int g, float[] recH, int gRecH, float[] h, int n, int u, ActivationFunction act,
            ActivationFunction recAct) {
        for (int r = 0; r < n; r++)
            gruUpdateRow(x, r * g, recH, r * gRecH, h, r * u, 0, u, act, recAct);
    }

    static void gruUpdateRow(float[] x, int xo, float[] recH, int ro, float[] h, int ho, int from, int u, ActivationFunction act,
            ActivationFunction recAct) {
        for (int j = from; j < u; j++) {
            float zg = recAct.apply(x[xo + j]);
            float cand = act.apply(x[xo + 2 * u + j] + recH[ro + j]);
            h[ho + j] = zg * h[ho + j] + (1f - zg) * cand;
        }
    }

    @Override
    public void lstmGatesBackward(float[] z, float[] gates, int zOff, float[] c, int cPrev, int cNext, float[] actC, int actCOff,
            float[] dh, float[] dc, float[] dz, int n, int u, ActivationFunction act, ActivationFunction rec) {
        for (int r = 0; r < n; r++) {
            lstmBackwardRow(z, gates, zOff + r * 4 * u, c, cPrev + r * u, cNext + r * u, actC, actCOff + r * u, dh, dc, r * u, dz, 0, u,
                    act, rec);
        }
    }

    /** Backward gates of units [from, u) of one row (offsets are the row's; {@code s} that of dh and dc). */
    static void lstmBackwardRow(float[] z, float[] gates, int a, float[] c, int cp, int cn, float[] actC, int ao, float[] dh, float[] dc,
            int s,
            float[] dz, int from, int u, ActivationFunction act, ActivationFunction rec) {
        for (int j = from; j < u; j++) {
            float ig = gates[a + j], fg = gates[a + u + j], cg = gates[a + 2 * u + j], og = gates[a + 3 * u + j];
            float tc = actC[ao + j];
            float d = dc[s + j] + dh[s + j] * og * act.derivative(c[cn + j], tc);
            dz[a + j] = d * cg * rec.derivative(z[a + j], ig);
            dz[a + u + j] = d * c[cp + j] * rec.derivative(z[a + u + j], fg);
            dz[a + 2 * u + j] = d * ig * act.derivative(z[a + 2 * u + j], cg);
            dz[a + 3 * u + j] = dh[s + j] * tc * rec.derivative(z[a + 3 * u + j], og);
            dc[s + j] = d * fg;
        }
    }

    @Override
    public void softmaxRows(float[] x, int n, int stride, int width) {
        for (int r = 0; r < n; r++)
            ActivationFunction.softmaxRow(x, r * stride, width);
    }

    @Override
    public void denseRows(float[] x, int lda, int n, int k, float[] wT, float[] bias, float[] out, int m) {
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < m; o++) {
                float s = 0f;
                int xo = r * lda, wo = o * k;
                for (int kk = 0; kk < k; kk++)
                    s += x[xo + kk] * wT[wo + kk];
                out[r * m + o] = s + bias[o];
            }
        }
    }

    @Override
    public int topK(float[] values, int n, int k, int[] idx) {
        return k <= 0 ? 0 : selectTopK(values, 0, n, k, idx, 0);
    }

    /** v ranks above w: greater, or a number against NaN (NaN ranks below every number). */
    private static boolean above(float v, float w) {
        return v > w || (w != w && v == v);
    }

    /**
     * Insertion into the sorted top list {@code idx[0..count)} for each of {@code values[from..n)}; returns the
     * new count. Shared by both kernel sets: the vector one calls it for the few candidates its scan finds.
     */
    static int selectTopK(float[] values, int from, int n, int k, int[] idx, int count) {
        for (int i = from; i < n; i++) {
            float v = values[i];
            if (count == k && !above(v, values[idx[count - 1]])) {
                continue;
            }
            int pos = count < k ? count++ : k - 1; // the slot the new index fills before moving up
            while (pos > 0 && above(v, values[idx[pos - 1]])) {
                idx[pos] = idx[pos - 1];
                pos--;
            }
            idx[pos] = i;
        }
        return count;
    }
}
