package io.seqstream.jobs.retrain;

/**
 * One training sequence cut from one key's consecutive events, for the event-time window
 * {@code [windowStart, windowEnd)} it ends in: {@code tokens} (T + 1 for next-event targets, T for labels) and,
 * for labelled training, one label per token (null otherwise). A Flink POJO.
 *
 * <p>For a model with several inputs per event, {@code tokens} holds each event's token ids one after the other
 * (events x token inputs) and {@code features} each event's numbers (events x floats per event); {@code features}
 * is null for one-input models.
 */
public final class TrainingSequence {
    public long windowStart;
    public long windowEnd;
    public int[] tokens;
    public int[] labels;
    /** Event time of the sequence's oldest event. */
    public long firstEventTime;
    /** Multi-input models: each event's feature inputs, concatenated, event after event; else null. */
    public float[] features;

    public TrainingSequence() {
    }

    public TrainingSequence(long windowStart, long windowEnd, int[] tokens, int[] labels, long firstEventTime) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.tokens = tokens;
        this.labels = labels;
        this.firstEventTime = firstEventTime;
    }

    /** This sequence with its events' numbers (multi-input models). */
    public TrainingSequence withFeatures(float[] features) {
        this.features = features;
        return this;
    }
}
