package io.seqstream.jobs.model;

import java.io.Serializable;
import java.util.Optional;

/**
 * A model as the job carries it: serializable (it travels inside the job graph, so workers need no access
 * to the model file), described by its input, state and output sizes, and opened on each worker into a
 * {@link BatchStepper}.
 */
public interface ModelBackend extends Serializable {
    InputSpec inputSpec();

    /** Floats per key state; a zero array is a fresh key. */
    int stateSize();

    /** Floats per output row (e.g. class probabilities). */
    int outputSize();

    /** Written into every Prediction.modelVersion. */
    long version();

    /** One line for logs: what the model is. */
    String description();

    /** Builds the per-instance stepper; called once in the operator's open(). */
    BatchStepper open(int maxBatch);

    /**
     * The model as seqstream model-file bytes (model-core {@code ModelFile}), when this backend has them:
     * retraining fine-tunes this model, and a hot swap compares shapes with it. Empty for engines without a
     * model-core model (benchmark backends).
     */
    default Optional<byte[]> modelFileBytes() {
        return Optional.empty();
    }
}
