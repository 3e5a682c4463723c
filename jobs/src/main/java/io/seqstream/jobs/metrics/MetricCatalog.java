package io.seqstream.jobs.metrics;

import io.seqstream.jobs.operator.StepMetrics;
import io.seqstream.jobs.report.ReportMetrics;
import io.seqstream.jobs.retrain.RetrainMetrics;
import io.seqstream.jobs.validate.DeadLetterMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.apache.flink.metrics.MetricGroup;

/**
 * Every metric the job's operators register, found by registering them for real (the same classes the
 * operators use) on a recording group, with the names Flink's Prometheus reporter gives them. Dashboards and
 * alert rules under deploy/ are checked against this list, so a renamed metric breaks a test instead of a
 * dashboard.
 *
 * <p>The Prometheus name of an operator metric is {@code flink_taskmanager_job_task_operator_} followed by the
 * metric's groups below the operator (plain groups and the keys of key/value groups) and its name, joined by
 * {@code _}; key/value groups add a label {@code key="value"}; Flink's own variables (job, task, subtask,
 * host, ...) are labels too.
 */
public final class MetricCatalog {
    /** The Prometheus reporter's prefix of every operator metric (Flink's logical scope taskmanager.job.task.operator). */
    public static final String OPERATOR_PREFIX = "flink_taskmanager_job_task_operator_";

    /** Flink's own metrics (JobManager scope) that the dashboard and the alert rules under deploy/ use. */
    public static final Set<String> FLINK_METRICS = Set.of("flink_jobmanager_job_numberOfFailedCheckpoints",
            "flink_jobmanager_job_numberOfCompletedCheckpoints", "flink_jobmanager_job_lastCheckpointDuration",
            "flink_jobmanager_job_numRestarts", "flink_jobmanager_numRegisteredTaskManagers");

    /** One metric: its Prometheus name, kind (counter, gauge, histogram), the operator it lives on and its label keys. */
    public record Entry(String prometheusName, String kind, String operator, Set<String> labels) {
    }

    private MetricCatalog() {
    }

    public static List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        collect(out, "step", g -> new StepMetrics(g, () -> 0L, () -> 0L));
        collect(out, "dead-letter split", DeadLetterMetrics::new);
        collect(out, "retrain", RetrainMetrics::new);
        collect(out, "training report", ReportMetrics::new);
        return List.copyOf(out);
    }

    /** The distinct Prometheus names. */
    public static Set<String> prometheusNames() {
        Set<String> names = new TreeSet<>();
        all().forEach(e -> names.add(e.prometheusName()));
        return names;
    }

    private static void collect(List<Entry> out, String operator, Consumer<MetricGroup> register) {
        RecordingMetricGroup g = new RecordingMetricGroup();
        register.accept(g);
        Set<String> seen = new TreeSet<>();
        for (RecordingMetricGroup.Registration r : g.registrations()) {
            List<String> parts = new ArrayList<>(r.scope());
            parts.add(r.name());
            String name = OPERATOR_PREFIX + prometheusSafe(String.join("_", parts));
            if (seen.add(name)) {
                out.add(new Entry(name, r.kind(), operator, new TreeSet<>(r.labels().keySet())));
            }
        }
    }

    /** Flink's Prometheus reporter replaces every character outside [a-zA-Z0-9:_] by '_'. */
    static String prometheusSafe(String s) {
        return s.replaceAll("[^a-zA-Z0-9:_]", "_");
    }
}
