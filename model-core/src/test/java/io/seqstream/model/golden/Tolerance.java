package io.seqstream.model.golden;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.model.Tensor;
import java.util.Arrays;

/** {@code |actual - expected| <= abs + rel * |expected|}, element-wise, with a message naming the place. */
record Tolerance(double abs, double rel) {
    static Tolerance of(JsonNode t, Tolerance dflt) {
        if (t == null || t.isNull())
            return dflt;
        return new Tolerance(t.path("abs").asDouble(dflt.abs), t.path("rel").asDouble(dflt.rel));
    }

    void check(String what, Tensor expected, Tensor actual) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": expected shape " + expected.shapeString() + " but got " + actual.shapeString());
        }
        float[] e = expected.data(), a = actual.data();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(a[i] - e[i]);
            double allowed = abs + rel * Math.abs(e[i]);
            if (!(err <= allowed)) {
                throw new AssertionError(what + ": element " + i + " of " + expected.shapeString() + ": expected " + e[i]
                        + " but got " + a[i] + " (error " + err + " > " + allowed + ")");
            }
            worst = Math.max(worst, err);
        }
    }

    void check(String what, double expected, double actual) {
        double err = Math.abs(actual - expected);
        if (!(err <= abs + rel * Math.abs(expected))) {
            throw new AssertionError(what + ": expected " + expected + " but got " + actual + " (error " + err + ")");
        }
    }
}
