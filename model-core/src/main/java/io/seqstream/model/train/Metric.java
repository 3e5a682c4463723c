package io.seqstream.model.train;

import io.seqstream.model.Tensor;
import java.util.Locale;

/** Keras metrics by name. {@code accuracy} resolves against the loss, as Keras does. */
public enum Metric {
    CATEGORICAL_ACCURACY("categorical_accuracy"), SPARSE_CATEGORICAL_ACCURACY("sparse_categorical_accuracy"), BINARY_ACCURACY(
            "binary_accuracy"), MAE("mae"), MSE("mse");

    private final String kerasName;

    Metric(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /** Resolves a metric name; {@code accuracy}/{@code acc} depend on the loss. Returns the name to report. */
    public static Metric of(String name, Loss loss) {
        String n = name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "accuracy", "acc" :
                return switch (loss) {
                    case CATEGORICAL_CROSSENTROPY -> CATEGORICAL_ACCURACY;
                    case SPARSE_CATEGORICAL_CROSSENTROPY -> SPARSE_CATEGORICAL_ACCURACY;
                    case BINARY_CROSSENTROPY -> BINARY_ACCURACY;
                    case MEAN_SQUARED_ERROR ->
                        throw new IllegalArgumentException("metric 'accuracy' is not defined for loss mse; use mae or mse");
                };
            case "mean_absolute_error" :
                return MAE;
            case "mean_squared_error" :
                return MSE;
            default :
                for (Metric m : values())
                    if (m.kerasName.equals(n))
                        return m;
                throw new IllegalArgumentException("unknown metric '" + name + "'; valid: accuracy, categorical_accuracy, "
                        + "sparse_categorical_accuracy, binary_accuracy, mae, mse");
        }
    }

    /** Sum of the metric over positions, and the number of positions, as {total, count}. */
    public double[] evaluate(Tensor yPred, Tensor yTrue) {
        float[] p = yPred.data(), y = yTrue.data();
        int c = yPred.dim(-1);
        int rows = c == 0 ? 0 : p.length / c;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * c;
            switch (this) {
                case CATEGORICAL_ACCURACY, SPARSE_CATEGORICAL_ACCURACY -> {
                    int best = 0;
                    for (int j = 1; j < c; j++)
                        if (p[o + j] > p[o + best])
                            best = j;
                    int truth;
                    if (this == SPARSE_CATEGORICAL_ACCURACY)
                        truth = (int) y[r];
                    else {
                        truth = 0;
                        for (int j = 1; j < c; j++)
                            if (y[o + j] > y[o + truth])
                                truth = j;
                    }
                    total += best == truth ? 1 : 0;
                }
                case BINARY_ACCURACY -> {
                    double s = 0;
                    for (int j = 0; j < c; j++)
                        s += ((p[o + j] > 0.5f ? 1f : 0f) == y[o + j]) ? 1 : 0;
                    total += s / c;
                }
                case MAE -> {
                    double s = 0;
                    for (int j = 0; j < c; j++)
                        s += Math.abs(p[o + j] - y[o + j]);
                    total += s / c;
                }
                case MSE -> {
                    double s = 0;
                    for (int j = 0; j < c; j++)
                        s += (p[o + j] - y[o + j]) * (p[o + j] - y[o + j]);
                    total += s / c;
                }
            }
        }
        return new double[]{ total, rows };
    }
}
