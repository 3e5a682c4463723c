package io.seqstream.jobs.retrain;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.model.train.FineTuner;
import java.io.Serializable;
import java.util.function.Consumer;

/** The retraining settings of a job ({@code retrain.*} in jobs/CONFIG.md), checked together. */
public record RetrainOptions(long slideMs, long sizeMs, RetrainTarget target, int sequenceLength, int sequencesPerKey, int sampleSize,
        int minSequences, int epochs, int batchSize, double learningRate, double holdout, double minImprovement, boolean publishAlways,
        String reportPath) implements Serializable {

    public RetrainOptions {
        if (slideMs <= 0 || sizeMs < slideMs) {
            throw new ConfigException("retrain.window (" + sizeMs + " ms) must be at least retrain.interval (" + slideMs
                    + " ms): windows slide by the interval");
        }
    }

    public static RetrainOptions fromConfig(JobConfig c) {
        return new RetrainOptions(c.get(ConfigKeys.RETRAIN_INTERVAL).toMillis(), c.get(ConfigKeys.RETRAIN_WINDOW).toMillis(),
                c.get(ConfigKeys.RETRAIN_TARGET), c.get(ConfigKeys.RETRAIN_SEQUENCE_LENGTH), c.get(ConfigKeys.RETRAIN_SEQUENCES_PER_KEY),
                c.get(ConfigKeys.RETRAIN_SAMPLE_SIZE), c.get(ConfigKeys.RETRAIN_MIN_SEQUENCES), c.get(ConfigKeys.RETRAIN_EPOCHS),
                c.get(ConfigKeys.RETRAIN_BATCH_SIZE), c.get(ConfigKeys.RETRAIN_LEARNING_RATE), c.get(ConfigKeys.RETRAIN_HOLDOUT),
                c.get(ConfigKeys.RETRAIN_MIN_IMPROVEMENT), c.get(ConfigKeys.RETRAIN_PUBLISH_ALWAYS),
                c.find(ConfigKeys.RETRAIN_REPORT).map(Object::toString).orElse(null));
    }

    /** Events per training sequence: T + 1 for next-event targets (inputs and the shifted targets), T for labels. */
    public int eventsPerSequence() {
        return target == RetrainTarget.NEXT_EVENT ? sequenceLength + 1 : sequenceLength;
    }

    public FineTuner.Options fineTunerOptions(long seed, Consumer<String> progress) {
        return new FineTuner.Options(epochs, batchSize, learningRate, holdout, seed, progress);
    }
}
