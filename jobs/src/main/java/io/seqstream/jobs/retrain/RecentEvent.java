package io.seqstream.jobs.retrain;

/**
 * One event of a key as the training-window assembler keeps it: token, label (-1: none), event time; for a model
 * with several inputs per event also its token ids and numbers ({@code ModelInput.tokens}, {@code features}; null
 * otherwise). A Flink POJO.
 */
public final class RecentEvent {
    public int token;
    public int label = -1;
    public long time;
    /** A multi-input event's token ids, in input order; null for one-input events. */
    public int[] tokens;
    /** A multi-input event's feature inputs, concatenated in input order; null for one-input events. */
    public float[] features;

    public RecentEvent() {
    }

    RecentEvent(int token, int label, long time) {
        this.token = token;
        this.label = label;
        this.time = time;
    }
}
