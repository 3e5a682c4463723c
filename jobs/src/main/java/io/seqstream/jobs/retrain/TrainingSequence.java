package io.seqstream.jobs.retrain;

/**
 * One training sequence cut from one key's consecutive events, for the event-time window
 * {@code [windowStart, windowEnd)} it ends in: {@code tokens} (T + 1 for next-event targets, T for labels) and,
 * for labelled training, one label per token (null otherwise). A Flink POJO.
 */
public final class TrainingSequence {
    public long windowStart;
    public long windowEnd;
    public int[] tokens;
    public int[] labels;
    /** Event time of the sequence's oldest event. */
    public long firstEventTime;

    public TrainingSequence() {
    }

    public TrainingSequence(long windowStart, long windowEnd, int[] tokens, int[] labels, long firstEventTime) {
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.tokens = tokens;
        this.labels = labels;
        this.firstEventTime = firstEventTime;
    }
}
