package io.seqstream.model.train;

import io.seqstream.model.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Keras losses, reduced as Keras' {@code sum_over_batch_size}: a value per sample position (every axis
 * but the last), then the mean over them.
 */
public enum Loss {
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy"), SPARSE_CATEGORICAL_CROSSENTROPY(
            "sparse_categorical_crossentropy"), BINARY_CROSSENTROPY("binary_crossentropy"), MEAN_SQUARED_ERROR("mse");

    /** Keras' backend epsilon, used to clip probabilities. */
    public static final float EPSILON = 1e-7f;

    private final String kerasName;

    Loss(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    public static Loss of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("mean_squared_error"))
            return MEAN_SQUARED_ERROR;
        for (Loss l : values())
            if (l.kerasName.equals(n))
                return l;
        throw new IllegalArgumentException("unknown loss '" + name + "'; valid: "
                + Arrays.stream(values()).map(Loss::kerasName).collect(Collectors.joining(", ")) + ", mean_squared_error");
    }

    /** Number of positions a target row covers (sparse targets hold one class id per position). */
    public void checkTarget(Tensor yPred, Tensor yTrue, String outputName) {
        int[] p = yPred.shape();
        int[] t = yTrue.shape();
        boolean ok;
        if (this == SPARSE_CATEGORICAL_CROSSENTROPY) {
            ok = (t.length == p.length - 1 && Arrays.equals(t, Arrays.copyOf(p, p.length - 1)))
                    || (t.length == p.length && t[t.length - 1] == 1
                            && Arrays.equals(Arrays.copyOf(t, t.length - 1), Arrays.copyOf(p, p.length - 1)));
            if (ok) {
                int classes = p[p.length - 1];
                for (float v : yTrue.data()) {
                    if (v != Math.rint(v) || v < 0 || v >= classes) {
                        throw new IllegalArgumentException(
                                "output '" + outputName + "': sparse target " + v + " is not a class id in [0, " + classes + ")");
                    }
                }
            }
        } else {
            ok = Arrays.equals(p, t);
        }
        if (!ok) {
            throw new IllegalArgumentException("output '" + outputName + "': target shape " + yTrue.shapeString()
                    + " does not fit prediction shape " + yPred.shapeString() + " for loss " + kerasName);
        }
    }

    /**
     * Loss value and, if {@code grad} is non-null, its gradient w.r.t. the prediction written into it.
     */
    public double compute(Tensor yPred, Tensor yTrue, float[] grad) {
        float[] p = yPred.data();
        float[] y = yTrue.data();
        int c = yPred.dim(-1);
        int rows = c == 0 ? 0 : p.length / c;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * c;
            switch (this) {
                case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> {
                    double sum = 0;
                    for (int j = 0; j < c; j++)
                        sum += p[o + j];
                    int cls = this == SPARSE_CATEGORICAL_CROSSENTROPY ? (int) y[r] : -1;
                    double l = 0;
                    // d/dp_j of -sum_k y_k log(clip(p_k / S)): through the clip and the normalisation.
                    double gS = 0;
                    double[] gq = grad == null ? null : new double[c];
                    for (int j = 0; j < c; j++) {
                        double yj = cls >= 0 ? (j == cls ? 1 : 0) : y[o + j];
                        double q = p[o + j] / sum;
                        boolean clipped = q < EPSILON || q > 1 - EPSILON;
                        double qc = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
                        l -= yj * Math.log(qc);
                        if (gq != null && !clipped)
                            gq[j] = -yj / qc;
                    }
                    if (grad != null) {
                        for (int j = 0; j < c; j++)
                            gS += gq[j] * p[o + j];
                        for (int j = 0; j < c; j++)
                            grad[o + j] = (float) ((gq[j] / sum - gS / (sum * sum)) / rows);
                    }
                    total += l;
                }
                case BINARY_CROSSENTROPY -> {
                    double l = 0;
                    for (int j = 0; j < c; j++) {
                        double q = p[o + j];
                        boolean clipped = q < EPSILON || q > 1 - EPSILON;
                        double qc = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
                        double yj = y[o + j];
                        l -= yj * Math.log(qc) + (1 - yj) * Math.log(1 - qc);
                        if (grad != null)
                            grad[o + j] = clipped ? 0f : (float) ((-yj / qc + (1 - yj) / (1 - qc)) / c / rows);
                    }
                    total += l / c;
                }
                case MEAN_SQUARED_ERROR -> {
                    double l = 0;
                    for (int j = 0; j < c; j++) {
                        double d = p[o + j] - y[o + j];
                        l += d * d;
                        if (grad != null)
                            grad[o + j] = (float) (2 * d / c / rows);
                    }
                    total += l / c;
                }
            }
        }
        return rows == 0 ? 0 : total / rows;
    }
}
