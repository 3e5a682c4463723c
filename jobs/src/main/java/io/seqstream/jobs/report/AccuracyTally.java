package io.seqstream.jobs.report;

import java.util.Objects;

/**
 * Served predictions judged in one event-time window by one prediction subtask, per serving model version: how
 * many were right of how many (see {@code operator.OnlineAccuracy}, which counts them). Partial: the training
 * report sums the tallies of all subtasks. A Flink POJO; also the window arithmetic both sides share.
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

    /** The window end (exclusive) of an event time: the next multiple of the window length above it. */
    public static long windowEnd(long eventTime, long windowMs) {
        return Math.floorDiv(eventTime, windowMs) * windowMs + windowMs;
    }

    /** Whether a watermark completes the window ending (exclusive) at {@code windowEnd}: it passed the window's last ms. */
    public static boolean complete(long windowEnd, long watermark) {
        return windowEnd - 1 <= watermark;
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
