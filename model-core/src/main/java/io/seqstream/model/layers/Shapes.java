package io.seqstream.model.layers;

import io.seqstream.model.Tensor;
import java.util.Arrays;

/** Shape helpers shared by layers. */
final class Shapes {
    private Shapes() {
    }

    static int last(int[] s) {
        return s[s.length - 1];
    }

    static int[] withLast(int[] s, int last) {
        int[] r = s.clone();
        r[r.length - 1] = last;
        return r;
    }

    static int[] append(int[] s, int extra) {
        int[] r = Arrays.copyOf(s, s.length + 1);
        r[s.length] = extra;
        return r;
    }

    /** Checks a concrete tensor against a built shape (batch axis free unless fixed). */
    static void check(Layer layer, Tensor t, int[] expected) {
        int[] s = t.shape();
        boolean ok = s.length == expected.length;
        for (int i = 0; ok && i < s.length; i++) {
            if (expected[i] >= 0 && expected[i] != s[i] && !(i == 0))
                ok = false;
        }
        if (!ok) {
            throw layer.error("expected input of shape " + Tensor.shapeString(expected) + " but got " + t.shapeString());
        }
    }

    static void checkFinite(Layer layer, Tensor t) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw layer.error("input holds a non-finite value " + d[i] + " at flat index " + i
                        + " of shape " + t.shapeString() + "; it would poison the recurrent state");
            }
        }
    }
}
