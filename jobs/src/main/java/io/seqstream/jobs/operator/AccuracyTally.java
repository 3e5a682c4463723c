package io.seqstream.jobs.operator;

import java.util.Objects;

/**
 * Served predictions judged in one event-time window by one prediction subtask, per serving model version: how
 * many were right of how many. Partial: the training report sums the tallies of all subtasks and flushes
 * ({@link OnlineAccuracy}). A Flink POJO.
 */
public final class AccuracyTally {
    /** End of the window (exclusive), ms since the epoch; the window is {@code [windowEnd - retrain.interval, windowEnd)}. */
    public long windowEnd;
    /** The version of the model serving when the prediction was judged. */
    public long modelVersion;
    public long right;
    public long total;

    public AccuracyTally() {
    }

    public AccuracyTally(long windowEnd, long modelVersion, long right, long total) {
        this.windowEnd = windowEnd;
        this.modelVersion = modelVersion;
        this.right = right;
        this.total = total;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccuracyTally t && t.windowEnd == windowEnd && t.modelVersion == modelVersion && t.right == right
                && t.total == total;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowEnd, modelVersion, right, total);
    }

    @Override
    public String toString() {
        return "AccuracyTally{windowEnd=" + windowEnd + ", v" + modelVersion + ", " + right + "/" + total + "}";
    }
}
