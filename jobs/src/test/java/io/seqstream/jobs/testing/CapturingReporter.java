package io.seqstream.jobs.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for MiniCluster tests: keeps every metric registered in this JVM with the name Flink's
 * Prometheus reporter would give it ({@code flink_} + the logical scope joined by {@code _} + the name; the
 * group's variables as labels). The metric objects stay readable after the job ended (their last values).
 */
public final class CapturingReporter implements MetricReporter {
    /** One registered metric. */
    public record Captured(String prometheusName, Map<String, String> labels, Metric metric) {
    }

    private static final ConcurrentLinkedQueue<Captured> CAPTURED = new ConcurrentLinkedQueue<>();

    /** Adds this reporter to a MiniCluster configuration. */
    public static Configuration configure(Configuration c) {
        c.setString("metrics.reporter.capture.factory.class", Factory.class.getName());
        return c;
    }

    public static List<Captured> named(String prometheusName) {
        List<Captured> out = new ArrayList<>();
        for (Captured c : CAPTURED) {
            if (c.prometheusName().equals(prometheusName)) {
                out.add(c);
            }
        }
        return out;
    }

    public static void clear() {
        CAPTURED.clear();
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String scope = LogicalScopeProvider.castFrom(group).getLogicalScope(s -> s.replaceAll("[^a-zA-Z0-9:_]", "_"), '_');
        Map<String, String> labels = new TreeMap<>();
        group.getAllVariables().forEach((k, v) -> labels.put(k.replaceAll("[<>]", ""), v));
        CAPTURED.add(new Captured("flink_" + scope + "_" + name.replaceAll("[^a-zA-Z0-9:_]", "_"), labels, metric));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: tests read the last values after the job ended
    }

    /** Found by Flink through META-INF/services and {@code metrics.reporter.capture.factory.class}. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CapturingReporter();
        }
    }
}
