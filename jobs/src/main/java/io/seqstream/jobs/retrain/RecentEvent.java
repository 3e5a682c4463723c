package io.seqstream.jobs.retrain;

/** One event of a key as the training-window assembler keeps it: token, label (-1: none), event time. A Flink POJO. */
public final class RecentEvent {
    public int token;
    public int label = -1;
    public long time;

    public RecentEvent() {
    }

    RecentEvent(int token, int label, long time) {
        this.token = token;
        this.label = label;
        this.time = time;
    }
}
