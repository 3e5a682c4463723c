package io.seqstream.jobs.mapping;

import java.util.Arrays;

/**
 * The values of one event for each of a model's inputs, in the model's input order: a token id ({@code int}),
 * a feature vector ({@code float[]}) or a term ({@code String}) for a model that carries its own lookup layer.
 * Immutable once built by the mapper.
 */
public final class ModelInputs {
    public enum Kind {
        TOKEN, FEATURES, TEXT
    }

    private final Object[] values;

    ModelInputs(Object[] values) {
        this.values = values;
    }

    public static ModelInputs of(Object... values) {
        for (Object v : values) {
            if (!(v instanceof Integer || v instanceof float[] || v instanceof String)) {
                throw new IllegalArgumentException("a model input value is an Integer, a float[] or a String, not " + v);
            }
        }
        return new ModelInputs(values.clone());
    }

    public int size() {
        return values.length;
    }

    public Kind kind(int input) {
        Object v = values[input];
        return v instanceof Integer ? Kind.TOKEN : v instanceof float[] ? Kind.FEATURES : Kind.TEXT;
    }

    public int token(int input) {
        return (Integer) values[input];
    }

    public float[] features(int input) {
        return (float[]) values[input];
    }

    public String text(int input) {
        return (String) values[input];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInputs m && Arrays.deepEquals(m.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ModelInputs[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(values[i] instanceof float[] f ? Arrays.toString(f) : values[i]);
        }
        return sb.append(']').toString();
    }
}
