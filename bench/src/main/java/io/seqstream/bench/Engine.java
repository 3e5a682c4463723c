package io.seqstream.bench;

/**
 * One engine computing one step of Embedding -> LSTM(H) -> Dense(10, softmax) for {@code batch()} keys whose
 * state is carried outside the model, one {@code float[2H]} (h then c) per key, as the stepper keeps it.
 */
public interface Engine extends AutoCloseable {
    String name();

    int batch();

    /** One step: {@code tokens[0..batch)} are the keys' events; states and outputs are updated. */
    void step(int[] tokens);

    /** Per key h|c, or null for an engine without state (sgemm). */
    float[][] states();

    /** Per key class probabilities of the last step, or null (sgemm). */
    float[][] outputs();

    @Override
    default void close() {
    }

    static Engine create(String engine, int units, int batch) {
        return switch (engine) {
            case "stepper" -> new StepperEngine(units, batch, false);
            case "stepper-scalar" -> new StepperEngine(units, batch, true);
            case "onnx" -> new OnnxEngine(units, batch, false);
            case "onnx-reuse" -> new OnnxEngine(units, batch, true);
            case "dl4j" -> new Dl4jEngine(units, batch);
            case "sgemm" -> new SgemmEngine(units, batch);
            default -> throw new IllegalArgumentException(
                    "unknown engine '" + engine + "' (stepper, stepper-scalar, onnx, onnx-reuse, dl4j, sgemm)");
        };
    }
}
