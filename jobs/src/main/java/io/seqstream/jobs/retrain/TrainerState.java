package io.seqstream.jobs.retrain;

/**
 * The trainer's checkpoint: the model it fine-tunes (version and bytes; null bytes = the job's own model),
 * the highest version seen on the models stream (new versions go above it), the round counter, and the
 * windows not yet trained (the one in training first, so a restore trains it again). A Flink POJO.
 */
public final class TrainerState {
    public long servingVersion;
    public byte[] servingBytes;
    public long maxVersionSeen;
    public long round;
    public TrainingWindow[] backlog;

    public TrainerState() {
    }
}
