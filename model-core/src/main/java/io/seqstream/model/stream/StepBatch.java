package io.seqstream.model.stream;

import java.util.Arrays;

/**
 * The events of one step for up to {@code maxBatch} keys: for each key row one value per model input, a token
 * id, a feature vector or a string, by the input's {@link StepInput.Kind}. Reused from step to step (a stepper
 * owns one, {@link Stepper#batch()}); values are checked when set, so a bad event names its input and row.
 */
public final class StepBatch {
    private final StepModel model;
    final int[][] index; // per input [row]: token or string index (lookups applied)
    final float[][][] values; // per input [row]: features (the caller's array, not copied)
    private final boolean[][] set;

    StepBatch(StepModel model, int maxBatch) {
        this.model = model;
        int n = model.inputCount();
        index = new int[n][maxBatch];
        values = new float[n][maxBatch][];
        set = new boolean[n][maxBatch];
    }

    private StepInput in(int input, StepInput.Kind kind) {
        StepInput in = model.input(input);
        if (in.kind != kind) {
            throw new IllegalArgumentException(
                    "input " + input + " ('" + in.name + "') takes " + in.kind.name().toLowerCase() + " values, not "
                            + kind.name().toLowerCase());
        }
        return in;
    }

    /** Token id of key row {@code row} for a token input. */
    public StepBatch token(int input, int row, int token) {
        index[input][row] = in(input, StepInput.Kind.TOKEN).index(token);
        set[input][row] = true;
        return this;
    }

    /** Feature vector of key row {@code row} for a feature input (not copied: keep it until the step). */
    public StepBatch features(int input, int row, float[] features) {
        var err = in(input, StepInput.Kind.FEATURES).checkFeatures(features);
        if (err.isPresent())
            throw new IllegalArgumentException("row " + row + ": " + err.get());
        values[input][row] = features;
        set[input][row] = true;
        return this;
    }

    /** String of key row {@code row} for an input read by a StringLookup (unknown strings take the OOV index). */
    public StepBatch string(int input, int row, String value) {
        index[input][row] = in(input, StepInput.Kind.STRING).index(value);
        set[input][row] = true;
        return this;
    }

    void checkComplete(int n) {
        for (int i = 0; i < set.length; i++) {
            for (int r = 0; r < n; r++) {
                if (!set[i][r])
                    throw new IllegalArgumentException("row " + r + ": no value for input " + i + " ('" + model.input(i).name + "')");
            }
        }
    }

    /** Forgets the values (the stepper does this after each step). */
    void clear(int n) {
        for (boolean[] s : set)
            Arrays.fill(s, 0, n, false);
        for (float[][] v : values)
            Arrays.fill(v, 0, n, null);
    }
}
