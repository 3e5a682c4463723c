package io.seqstream.jobs.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;

/**
 * A MetricGroup that only writes down what is registered on it and its subgroups: the names a reporter would
 * build (logical scope parts: plain groups and the keys of key/value groups) and the variables of key/value
 * groups (the labels). The metric objects handed in are kept by their owners and work as usual.
 */
final class RecordingMetricGroup implements MetricGroup {
    /** One registration: scope parts below the operator group, the metric's name, its kind and labels. */
    record Registration(List<String> scope, String name, String kind, Map<String, String> labels) {
    }

    private final List<String> scope;
    private final Map<String, String> labels;
    private final List<Registration> sink;

    RecordingMetricGroup() {
        this(List.of(), Map.of(), new ArrayList<>());
    }

    private RecordingMetricGroup(List<String> scope, Map<String, String> labels, List<Registration> sink) {
        this.scope = scope;
        this.labels = labels;
        this.sink = sink;
    }

    List<Registration> registrations() {
        return List.copyOf(sink);
    }

    private void add(String name, String kind) {
        sink.add(new Registration(scope, name, kind, labels));
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        add(name, "counter");
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        add(name, "gauge");
        return gauge;
    }

    @Override
    public <H extends Histogram> H histogram(String name, H histogram) {
        add(name, "histogram");
        return histogram;
    }

    @Override
    public <M extends Meter> M meter(String name, M meter) {
        add(name, "meter");
        return meter;
    }

    @Override
    public MetricGroup addGroup(String name) {
        List<String> s = new ArrayList<>(scope);
        s.add(name);
        return new RecordingMetricGroup(List.copyOf(s), labels, sink);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        // As Flink's GenericKeyMetricGroup: the key joins the logical scope, the value becomes the variable <key>.
        List<String> s = new ArrayList<>(scope);
        s.add(key);
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.put(key, value);
        return new RecordingMetricGroup(List.copyOf(s), Map.copyOf(l), sink);
    }

    @Override
    public String[] getScopeComponents() {
        return scope.toArray(String[]::new);
    }

    @Override
    public Map<String, String> getAllVariables() {
        Map<String, String> v = new LinkedHashMap<>();
        labels.forEach((k, val) -> v.put("<" + k + ">", val));
        return v;
    }

    @Override
    public String getMetricIdentifier(String metricName) {
        return String.join(".", scope) + (scope.isEmpty() ? "" : ".") + metricName;
    }

    @Override
    public String getMetricIdentifier(String metricName, CharacterFilter filter) {
        return filter.filterCharacters(getMetricIdentifier(metricName));
    }
}
