package io.seqstream.jobs.model;

/**
 * Steps up to {@link #maxBatch()} independent keys by one event each, updating their states in place and
 * writing each key's output row. One per operator instance (not thread-safe); no two rows of one call may
 * belong to the same key. Mirrors model-core's {@code Stepper}, so other engines can stand in for it in
 * benchmarks.
 */
public interface BatchStepper {
    int maxBatch();

    void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs);

    void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs);

    /**
     * Steps a model with several inputs per event: row {@code r} carries the token ids of the model's token inputs
     * in {@code tokens[r]} and the feature vectors of its feature inputs, concatenated, in {@code features[r]}, each
     * in the model's input order (as {@link io.seqstream.jobs.event.ModelInput#tokens} and {@code features}).
     */
    default void stepInputs(float[][] states, int[][] tokens, float[][] features, int n, float[][] outputs) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " steps models with one input per event");
    }
}
