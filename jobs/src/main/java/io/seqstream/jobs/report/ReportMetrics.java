package io.seqstream.jobs.report;

import io.seqstream.jobs.retrain.RetrainMetrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The training report's metric: the online accuracy of the last finished window (the share of the served
 * predictions judged in it that were right, all subtasks together), as the gauge {@code onlineAccuracy} in the
 * key/value group {@code model=serving} (Prometheus label {@code model="serving"}, beside the trainer's holdout
 * figures). NaN until a window has finished.
 */
public final class ReportMetrics {
    private volatile double onlineAccuracy = Double.NaN;

    public ReportMetrics(MetricGroup group) {
        group.addGroup(RetrainMetrics.MODEL_GROUP, RetrainMetrics.SERVING).gauge("onlineAccuracy", (Gauge<Double>) () -> onlineAccuracy);
    }

    void onlineAccuracy(double a) {
        onlineAccuracy = a;
    }

    double onlineAccuracy() {
        return onlineAccuracy;
    }
}
