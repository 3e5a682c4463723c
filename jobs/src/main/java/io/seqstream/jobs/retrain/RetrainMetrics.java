package io.seqstream.jobs.retrain;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The trainer's metrics. Rounds and publications are counters; the last round's holdout figures are gauges in
 * the key/value group {@code model} with the values {@code serving} and {@code candidate} (Prometheus labels
 * {@code model="serving"} / {@code model="candidate"}): {@code holdoutAccuracy}, {@code holdoutLoss} and
 * {@code version}. They read NaN (figures) and 0 (version) until a round has been evaluated.
 *
 * <p>After a round the serving figures are those of the model that serves from then on: the candidate's when it
 * was published, else the serving model's on the same holdout.
 */
public final class RetrainMetrics {
    public static final String MODEL_GROUP = "model";
    public static final String SERVING = "serving";
    public static final String CANDIDATE = "candidate";

    final Counter rounds;
    final Counter published;
    final Counter windowsDropped;
    private final Figures serving = new Figures();
    private final Figures candidate = new Figures();
    private volatile long servingVersion;

    /** The last holdout accuracy and loss of one model and its version. */
    private static final class Figures {
        volatile double accuracy = Double.NaN;
        volatile double loss = Double.NaN;
        volatile long version;

        void register(MetricGroup g) {
            g.gauge("holdoutAccuracy", (Gauge<Double>) () -> accuracy);
            g.gauge("holdoutLoss", (Gauge<Double>) () -> loss);
            g.gauge("version", (Gauge<Long>) () -> version);
        }

        void set(Map<String, Double> evaluation, long v) {
            accuracy = evaluation.getOrDefault("accuracy", Double.NaN);
            loss = evaluation.getOrDefault("loss", Double.NaN);
            version = v;
        }
    }

    public RetrainMetrics(MetricGroup group) {
        rounds = group.counter("retrainRounds");
        published = group.counter("modelsPublished");
        windowsDropped = group.counter("windowsDropped");
        group.gauge("servingVersion", (Gauge<Long>) () -> servingVersion);
        serving.register(group.addGroup(MODEL_GROUP, SERVING));
        candidate.register(group.addGroup(MODEL_GROUP, CANDIDATE));
    }

    void servingVersion(long v) {
        servingVersion = v;
    }

    /**
     * A round was evaluated on its holdout: {@code before} is the serving model (version {@code parent}),
     * {@code after} the candidate ({@code candidateVersion}); {@code published} whether the candidate now serves.
     */
    void evaluated(long parent, Map<String, Double> before, long candidateVersion, Map<String, Double> after, boolean published) {
        candidate.set(after, candidateVersion);
        if (published) {
            serving.set(after, candidateVersion);
        } else {
            serving.set(before, parent);
        }
    }

    double servingAccuracy() {
        return serving.accuracy;
    }

    double candidateAccuracy() {
        return candidate.accuracy;
    }

    double servingLoss() {
        return serving.loss;
    }

    long servingModelVersion() {
        return serving.version;
    }

    long candidateVersion() {
        return candidate.version;
    }
}
