package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.JobConfig;
import java.io.Serializable;

/**
 * How the stepping operator batches, expires and swaps: the micro-batch size and timeout ({@code batch.size},
 * {@code batch.timeout}), whether the step runs on its own thread ({@code batch.pipelined}), the idle-key TTL
 * ({@code state.ttl}, 0 = never), the top-k and full-vector output, the swap options, and whether predictions are
 * judged for the online accuracy ({@link OnlineAccuracy}, with {@code retrain.enabled}).
 */
public record StepOperatorOptions(int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput, SwapOptions swap,
        boolean pipelined, OnlineAccuracy.Options accuracy) implements Serializable {
    public StepOperatorOptions {
        if (batchSize < 1 || batchTimeoutMs < 0 || ttlMs < 0 || topK < 1) {
            throw new IllegalArgumentException("batchSize >= 1, batchTimeoutMs >= 0, ttlMs >= 0, topK >= 1 needed, got "
                    + batchSize + ", " + batchTimeoutMs + ", " + ttlMs + ", " + topK);
        }
        if (swap == null || accuracy == null) {
            throw new IllegalArgumentException("swap and online accuracy options needed");
        }
    }

    /** Default swap options, stepping on the task thread. */
    public static StepOperatorOptions of(int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput) {
        return new StepOperatorOptions(batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, SwapOptions.defaults(), false,
                OnlineAccuracy.Options.off());
    }

    public static StepOperatorOptions fromConfig(JobConfig config) {
        return new StepOperatorOptions(config.batchSize(), config.batchTimeoutMs(), config.stateTtl().toMillis(), config.topK(),
                config.fullOutputVector(), SwapOptions.fromConfig(config), config.batchPipelined(),
                OnlineAccuracy.Options.fromConfig(config));
    }

    public StepOperatorOptions withSwap(SwapOptions s) {
        return new StepOperatorOptions(batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, s, pipelined, accuracy);
    }

    public StepOperatorOptions withAccuracy(OnlineAccuracy.Options a) {
        return new StepOperatorOptions(batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, swap, pipelined, a);
    }

    public StepOperatorOptions withPipelined(boolean p) {
        return new StepOperatorOptions(batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, swap, p, accuracy);
    }
}
