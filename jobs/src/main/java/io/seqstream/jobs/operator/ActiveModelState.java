package io.seqstream.jobs.operator;

/**
 * The serving model as the stepping operator checkpoints it (union operator state, one entry per subtask;
 * a restore takes the highest version): its version, its model-file bytes (null when it is the model the
 * job was built with, which travels in the job graph anyway), and the last version whose swap changed the
 * state shapes (keys with an older state cannot keep it).
 *
 * <p>A Flink POJO.
 */
public final class ActiveModelState {
    public long version;
    public byte[] modelBytes;
    public long lastShapeChangeVersion;

    public ActiveModelState() {
    }

    ActiveModelState(long version, byte[] modelBytes, long lastShapeChangeVersion) {
        this.version = version;
        this.modelBytes = modelBytes;
        this.lastShapeChangeVersion = lastShapeChangeVersion;
    }
}
