package io.seqstream.apps.bench;

import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelBackend;

/**
 * A model that does nothing: states and outputs stay as they are. The benchmark's baseline: the same
 * pipeline (Kafka, decoding, keyBy, keyed state, micro-batches, top-k, sinks) minus the model arithmetic.
 */
public final class NoopBackend implements ModelBackend {
    private static final long serialVersionUID = 1L;

    private final InputSpec inputSpec;
    private final int stateSize;
    private final int outputSize;

    /** Shaped like {@code other}, so state and output sizes (and so state and record sizes) match. */
    public NoopBackend(ModelBackend other) {
        this.inputSpec = other.inputSpec();
        this.stateSize = other.stateSize();
        this.outputSize = other.outputSize();
    }

    @Override
    public InputSpec inputSpec() {
        return inputSpec;
    }

    @Override
    public int stateSize() {
        return stateSize;
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public long version() {
        return 0;
    }

    @Override
    public String description() {
        return "no-op model (" + inputSpec + ", state " + stateSize + " floats, output " + outputSize + ")";
    }

    @Override
    public BatchStepper open(int maxBatch) {
        return new BatchStepper() {
            @Override
            public int maxBatch() {
                return maxBatch;
            }

            @Override
            public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
            }

            @Override
            public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
            }
        };
    }
}
