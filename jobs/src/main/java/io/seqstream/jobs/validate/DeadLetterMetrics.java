package io.seqstream.jobs.validate;

import io.seqstream.schemas.ErrorKind;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The dead-letter split's metrics: {@code recordsIn}, {@code deadLetters} in total, and {@code deadLetters} per
 * error kind in the key/value group {@code kind} (a Prometheus label, {@code kind="UNDECODABLE"}, rather than a
 * metric name per kind). Every kind is registered at start, so a kind that never occurred reads 0, not absent.
 */
public final class DeadLetterMetrics {
    public static final String KIND_GROUP = "kind";

    final Counter recordsIn;
    final Counter deadLetters;
    private final Map<ErrorKind, Counter> byKind = new EnumMap<>(ErrorKind.class);

    public DeadLetterMetrics(MetricGroup group) {
        recordsIn = group.counter("recordsIn");
        deadLetters = group.counter("deadLetters");
        for (ErrorKind k : ErrorKind.values()) {
            byKind.put(k, group.addGroup(KIND_GROUP, k.name()).counter("deadLetters"));
        }
    }

    void deadLetter(ErrorKind kind) {
        deadLetters.inc();
        byKind.get(kind).inc();
    }

    long count(ErrorKind kind) {
        return byKind.get(kind).getCount();
    }
}
