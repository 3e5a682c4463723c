package io.seqstream.jobs.mapping.spec;

import io.seqstream.jobs.decode.FieldPath;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an input record becomes an event for the model ({@code mapping.*} keys, jobs/CONFIG.md): where the key,
 * the event time, each model input, the label, the reset flag, the event id and the copied fields come from.
 * Immutable and serializable; the lookup vocabularies of {@code lookup(...)} inputs travel with it. Build it with
 * {@link #builder(List)}.
 */
public final class FieldMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Written in place of a field name: the Kafka record's key, or its timestamp. */
    public static final String RECORD_KEY = "@key";
    public static final String RECORD_TIMESTAMP = "@timestamp";

    // Optional is not serializable: absent parts are null inside, Optional outside.
    private final FieldPath key;
    private final FieldPath eventTime;
    private final List<InputMapping> inputs;
    private final Map<String, Vocabulary> vocabularies;
    private final FieldPath label;
    private final FieldPath resetField;
    private final String resetValue;
    private final FieldPath eventId;
    private final List<FieldPath> copy;

    private FieldMapping(Builder b) {
        this.key = b.key;
        this.eventTime = b.eventTime;
        this.inputs = List.copyOf(b.inputs);
        this.vocabularies = Map.copyOf(b.vocabularies);
        this.label = b.label;
        this.resetField = b.resetField;
        this.resetValue = b.resetValue;
        this.eventId = b.eventId;
        this.copy = List.copyOf(b.copy);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("mapping.inputs must name at least one model input");
        }
        for (InputMapping in : inputs) {
            if (in instanceof InputMapping.Lookup l && !vocabularies.containsKey(l.field().toString())) {
                throw new IllegalArgumentException("input " + in + " needs a vocabulary: set mapping.vocabularies = "
                        + l.field() + ":FILE");
            }
        }
    }

    /** A mapping with these model inputs, the record key and the record timestamp, nothing else. */
    public static Builder builder(List<InputMapping> inputs) {
        return new Builder(inputs);
    }

    /** The key field; empty: the Kafka record key (UTF-8). */
    public Optional<FieldPath> key() {
        return Optional.ofNullable(key);
    }

    /** The event-time field (epoch ms or ISO-8601); empty: the Kafka record timestamp. */
    public Optional<FieldPath> eventTime() {
        return Optional.ofNullable(eventTime);
    }

    /** One entry per model input, in the model's input order. */
    public List<InputMapping> inputs() {
        return inputs;
    }

    /** The vocabulary of each lookup input, by the input's field path. */
    public Map<String, Vocabulary> vocabularies() {
        return vocabularies;
    }

    public Optional<FieldPath> label() {
        return Optional.ofNullable(label);
    }

    /** The field whose value {@link #resetValue()} starts a new sequence. */
    public Optional<FieldPath> resetField() {
        return Optional.ofNullable(resetField);
    }

    public String resetValue() {
        return resetValue;
    }

    public Optional<FieldPath> eventId() {
        return Optional.ofNullable(eventId);
    }

    /** Fields copied into the prediction. */
    public List<FieldPath> copy() {
        return copy;
    }

    @Override
    public String toString() {
        return "FieldMapping{key=" + (key == null ? RECORD_KEY : key) + ", eventTime=" + (eventTime == null ? RECORD_TIMESTAMP : eventTime)
                + ", inputs=" + inputs + (label == null ? "" : ", label=" + label)
                + (resetField == null ? "" : ", reset=" + resetField + "==" + resetValue)
                + (eventId == null ? "" : ", eventId=" + eventId) + (copy.isEmpty() ? "" : ", copy=" + copy) + "}";
    }

    /** Builds a {@link FieldMapping}; every part but the inputs is optional. */
    public static final class Builder {
        private FieldPath key;
        private FieldPath eventTime;
        private final List<InputMapping> inputs;
        private final Map<String, Vocabulary> vocabularies = new java.util.HashMap<>();
        private FieldPath label;
        private FieldPath resetField;
        private String resetValue = "";
        private FieldPath eventId;
        private List<FieldPath> copy = List.of();

        private Builder(List<InputMapping> inputs) {
            this.inputs = List.copyOf(inputs);
        }

        public Builder key(Optional<FieldPath> field) {
            this.key = field.orElse(null);
            return this;
        }

        public Builder eventTime(Optional<FieldPath> field) {
            this.eventTime = field.orElse(null);
            return this;
        }

        public Builder vocabulary(String field, Vocabulary vocabulary) {
            vocabularies.put(FieldPath.parse(field).toString(), vocabulary);
            return this;
        }

        public Builder label(FieldPath field) {
            this.label = field;
            return this;
        }

        public Builder reset(FieldPath field, String value) {
            this.resetField = field;
            this.resetValue = value;
            return this;
        }

        public Builder eventId(FieldPath field) {
            this.eventId = field;
            return this;
        }

        public Builder copy(List<FieldPath> fields) {
            this.copy = List.copyOf(fields);
            return this;
        }

        public FieldMapping build() {
            return new FieldMapping(this);
        }
    }

    /** {@code @key} or empty: the record key; otherwise a field. */
    public static Optional<FieldPath> keySource(String text) {
        return text.isBlank() || text.trim().equals(RECORD_KEY) ? Optional.empty() : Optional.of(FieldPath.parse(text));
    }

    /** {@code @timestamp} or empty: the record timestamp; otherwise a field. */
    public static Optional<FieldPath> timeSource(String text) {
        return text.isBlank() || text.trim().equals(RECORD_TIMESTAMP) ? Optional.empty() : Optional.of(FieldPath.parse(text));
    }

    /**
     * Parses {@code mapping.inputs}: entries separated by {@code ;}, each {@code token(f)}, {@code lookup(f)},
     * {@code features(a, b, ...)} or {@code features(f[])}.
     */
    public static List<InputMapping> parseInputs(String text) {
        List<InputMapping> out = new ArrayList<>();
        for (String raw : text.split(";")) {
            String e = raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            int open = e.indexOf('(');
            if (open < 0 || !e.endsWith(")")) {
                throw new IllegalArgumentException(
                        "'" + e + "' is not token(field), lookup(field), features(a, b, ...) or features(field[])");
            }
            String fn = e.substring(0, open).trim();
            String args = e.substring(open + 1, e.length() - 1).trim();
            out.add(switch (fn) {
                case "token" -> new InputMapping.Token(FieldPath.parse(args));
                case "lookup" -> new InputMapping.Lookup(FieldPath.parse(args));
                case "features" -> args.endsWith("[]")
                        ? new InputMapping.FeatureArray(FieldPath.parse(args.substring(0, args.length() - 2)))
                        : new InputMapping.Features(parseFields(args));
                default -> throw new IllegalArgumentException("unknown input kind '" + fn + "' in '" + e
                        + "'; use token(field), lookup(field), features(a, b, ...) or features(field[])");
            });
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no input given");
        }
        return out;
    }

    /** A comma-separated list of field paths (may be empty). */
    public static List<FieldPath> parseFields(String text) {
        List<FieldPath> out = new ArrayList<>();
        for (String f : text.split(",")) {
            if (!f.isBlank()) {
                out.add(FieldPath.parse(f));
            }
        }
        return out;
    }
}
