package io.seqstream.model.keras;

import io.seqstream.model.Tensor;
import java.util.Arrays;

/** Element-wise {@code |actual - expected| <= tol} with a message naming the place and the worst element. */
public final class Close {
    private Close() {
    }

    /** Returns the largest absolute error. */
    public static double check(String what, Tensor expected, Tensor actual, double tol) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": expected shape " + expected.shapeString() + " but got " + actual.shapeString());
        }
        float[] e = expected.data(), a = actual.data();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            if (Double.isNaN(err))
                throw new AssertionError(what + ": element " + i + ": expected " + e[i] + " but got " + a[i]);
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        if (!(worst <= tol)) {
            throw new AssertionError(what + ": element " + at + " of " + expected.shapeString() + ": expected " + e[at] + " but got "
                    + a[at] + " (error " + worst + " > " + tol + ")");
        }
        return worst;
    }

    /** Element-wise {@code |actual - expected| <= abs + rel * |expected|}. */
    public static void check(String what, Tensor expected, Tensor actual, double abs, double rel) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": expected shape " + expected.shapeString() + " but got " + actual.shapeString());
        }
        float[] e = expected.data(), a = actual.data();
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs((double) a[i] - e[i]);
            if (!(err <= abs + rel * Math.abs(e[i]))) {
                throw new AssertionError(
                        what + ": element " + i + " of " + expected.shapeString() + ": expected " + e[i] + " but got " + a[i]
                                + " (error " + err + " > " + abs + " + " + rel + " * |expected|)");
            }
        }
    }
}
