package io.seqstream.model;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a model came from: what it was trained on and how well it did, carried with the model file.
 *
 * @param description  free text: training data, window, command
 * @param createdAt    when the model (this version) was made
 * @param metrics      e.g. loss, accuracy, holdout accuracy
 * @param properties   free key/values (version, parent version, window bounds, source file)
 */
public record Provenance(String description, Instant createdAt, Map<String, Double> metrics, Map<String, String> properties) {
    public Provenance {
        description = description == null ? "" : description;
        createdAt = createdAt == null ? Instant.EPOCH : createdAt;
        metrics = Map.copyOf(metrics == null ? Map.of() : metrics);
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    public static Provenance none() {
        return new Provenance("", Instant.EPOCH, Map.of(), Map.of());
    }

    public static Provenance of(String description, Map<String, Double> metrics) {
        return new Provenance(description, Instant.now(), metrics, Map.of());
    }

    public Provenance withProperty(String key, String value) {
        Map<String, String> p = new TreeMap<>(properties);
        p.put(key, value);
        return new Provenance(description, createdAt, metrics, p);
    }

    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }
}
