package io.seqstream.model.ops;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Element-wise activations by their Keras names. Softmax acts on the last axis of each row.
 *
 * <p>{@code hard_sigmoid} differs between Keras versions, so both are here under distinct names:
 * {@link #HARD_SIGMOID} is Keras 1/2's {@code clip(0.2x + 0.5, 0, 1)} and {@link #HARD_SIGMOID_KERAS3}
 * is Keras 3's {@code relu6(x + 3) / 6}.
 */
public enum ActivationFunction {
    LINEAR("linear"), RELU("relu"), SIGMOID("sigmoid"), TANH("tanh"), SOFTMAX("softmax"), HARD_SIGMOID("hard_sigmoid"), HARD_SIGMOID_KERAS3(
            "hard_sigmoid_keras3");

    private final String kerasName;

    ActivationFunction(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /** Looks an activation up by its Keras name; the error lists the valid names. */
    public static ActivationFunction of(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ActivationFunction a : values()) {
            if (a.kerasName.equals(n))
                return a;
        }
        if (n.equals("none"))
            return LINEAR;
        throw new IllegalArgumentException("unknown activation '" + name + "'; valid: " + validNames());
    }

    public static String validNames() {
        return Arrays.stream(values()).map(ActivationFunction::kerasName).collect(Collectors.joining(", "));
    }

    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    /** One element; not for softmax. */
    public float apply(float x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> x < 0f ? 0f : x;
            case SIGMOID -> sigmoid(x);
            case TANH -> tanh(x);
            case HARD_SIGMOID -> Math.max(0f, Math.min(1f, 0.2f * x + 0.5f));
            case HARD_SIGMOID_KERAS3 -> Math.max(0f, Math.min(6f, x + 3f)) / 6f;
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    /** Derivative at one element, from its input {@code pre} and output {@code y}; not for softmax. */
    public float derivative(float pre, float y) {
        return switch (this) {
            case LINEAR -> 1f;
            case RELU -> pre > 0f ? 1f : 0f;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
            case HARD_SIGMOID -> {
                float z = 0.2f * pre + 0.5f;
                yield z > 0f && z < 1f ? 0.2f : 0f;
            }
            case HARD_SIGMOID_KERAS3 -> {
                float z = pre + 3f;
                yield z > 0f && z < 6f ? 1f / 6f : 0f;
            }
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    public boolean elementWise() {
        return this != SOFTMAX;
    }

    /** Applies in place to {@code x[off, off+n)}; for softmax, rows of length {@code rowLen}. */
    public void apply(float[] x, int off, int n, int rowLen) {
        switch (this) {
            case LINEAR -> {
            }
            case RELU -> {
                for (int i = off; i < off + n; i++)
                    if (x[i] < 0f)
                        x[i] = 0f;
            }
            case SIGMOID -> {
                for (int i = off; i < off + n; i++)
                    x[i] = sigmoid(x[i]);
            }
            case TANH -> {
                for (int i = off; i < off + n; i++)
                    x[i] = tanh(x[i]);
            }
            case HARD_SIGMOID -> {
                for (int i = off; i < off + n; i++)
                    x[i] = Math.max(0f, Math.min(1f, 0.2f * x[i] + 0.5f));
            }
            case HARD_SIGMOID_KERAS3 -> {
                for (int i = off; i < off + n; i++)
                    x[i] = Math.max(0f, Math.min(6f, x[i] + 3f)) / 6f;
            }
            case SOFTMAX -> {
                for (int r = off; r < off + n; r += rowLen)
                    softmaxRow(x, r, rowLen);
            }
        }
    }

    public void apply(float[] x, int rowLen) {
        apply(x, 0, x.length, rowLen);
    }

    public static void softmaxRow(float[] x, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++)
            max = Math.max(max, x[i]);
        double sum = 0;
        for (int i = off; i < off + len; i++) {
            float e = (float) Math.exp(x[i] - max);
            x[i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = off; i < off + len; i++)
            x[i] *= inv;
    }

    /**
     * Back-propagates through the activation: given the activation's output {@code y} and input
     * {@code pre} and the gradient {@code dy} w.r.t. the output, writes the gradient w.r.t. the input
     * into {@code dx} (which may be {@code dy}).
     */
    public void backward(float[] pre, float[] y, float[] dy, float[] dx, int rowLen) {
        int n = y.length;
        switch (this) {
            case LINEAR -> {
                if (dx != dy)
                    System.arraycopy(dy, 0, dx, 0, n);
            }
            case RELU -> {
                for (int i = 0; i < n; i++)
                    dx[i] = pre[i] > 0f ? dy[i] : 0f;
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++)
                    dx[i] = dy[i] * y[i] * (1f - y[i]);
            }
            case TANH -> {
                for (int i = 0; i < n; i++)
                    dx[i] = dy[i] * (1f - y[i] * y[i]);
            }
            case HARD_SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    float z = 0.2f * pre[i] + 0.5f;
                    dx[i] = z > 0f && z < 1f ? 0.2f * dy[i] : 0f;
                }
            }
            case HARD_SIGMOID_KERAS3 -> {
                for (int i = 0; i < n; i++) {
                    float z = pre[i] + 3f;
                    dx[i] = z > 0f && z < 6f ? dy[i] / 6f : 0f;
                }
            }
            case SOFTMAX -> {
                for (int r = 0; r < n; r += rowLen) {
                    double dot = 0;
                    for (int i = r; i < r + rowLen; i++)
                        dot += dy[i] * y[i];
                    for (int i = r; i < r + rowLen; i++)
                        dx[i] = y[i] * (float) (dy[i] - dot);
                }
            }
        }
    }
}
