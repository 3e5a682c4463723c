package io.seqstream.jobs.model;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A model as the job carries it: serializable (it travels inside the job graph, so workers need no access
 * to the model file), described by its input, state and output sizes, and opened on each worker into a
 * {@link BatchStepper}.
 */
public interface ModelBackend extends Serializable {
    /** The model's input, for a model with one input per event; a model with several throws {@link ModelLoadException}. */
    InputSpec inputSpec();

    /** The model's inputs per event, in its input order (one for most models). */
    default List<InputSpec> inputSpecs() {
        return List.of(inputSpec());
    }

    /** The names of the model's inputs, in {@link #inputSpecs()} order, for messages. */
    default List<String> inputNames() {
        return List.of("input");
    }

    /** The inputs as {@code name (spec)} for messages, e.g. {@code [event_type (token ids in [0, 9)), numbers (...)]}. */
    default String describeInputs() {
        List<InputSpec> specs = inputSpecs();
        List<String> names = inputNames();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < specs.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append(" (").append(specs.get(i)).append(')');
        }
        return sb.append(']').toString();
    }

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
