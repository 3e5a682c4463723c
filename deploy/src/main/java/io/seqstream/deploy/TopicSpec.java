package io.seqstream.deploy;

import java.util.Map;

/** A topic for the local broker: {@code NAME:PARTITIONS} or {@code NAME:PARTITIONS:compact}. */
public record TopicSpec(String name, int partitions, boolean compacted) {
    public TopicSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("topic name is empty");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be at least 1, got " + partitions);
        }
    }

    public static TopicSpec parse(String spec) {
        String[] p = spec.split(":");
        if (p.length < 2 || p.length > 3 || (p.length == 3 && !p[2].equals("compact"))) {
            throw new IllegalArgumentException("topic '" + spec + "': write NAME:PARTITIONS or NAME:PARTITIONS:compact");
        }
        try {
            return new TopicSpec(p[0], Integer.parseInt(p[1]), p.length == 3);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("topic '" + spec + "': partitions '" + p[1] + "' is not a number");
        }
    }

    /** Kafka topic configs: a compacted topic keeps the latest record per key (e.g. the models topic). */
    public Map<String, String> configs() {
        return compacted ? Map.of("cleanup.policy", "compact") : Map.of();
    }

    @Override
    public String toString() {
        return name + ":" + partitions + (compacted ? ":compact" : "");
    }
}
