package io.seqstream.jobs.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated event as the stepping operator needs it: the key, the event time, the payload (a token id
 * for token models, a feature vector for feature models), the reset flag and the label (a training target
 * for retraining; -1 when the event has none). The Avro Event is left behind at the source, so only these
 * few fields cross the keyBy shuffle.
 *
 * <p>A Flink POJO (public fields, no-arg constructor), sent across the shuffle with {@code serde.ModelInputSerializer}: a field
 * added here goes there too (its test compares the two field by field). {@code features} is null for token models and
 * {@code token} is -1 for feature models: use {@link #hasFeatures()}.
 *
 * <p>A model with several inputs per event (e.g. a token input and a feature input) gets one event carrying all of
 * them ({@link #isMultiInput()}): {@code tokens} holds the token ids of the model's token inputs and {@code features}
 * the feature vectors of its feature inputs, concatenated, each in the model's input order; {@code token} is -1.
 */
public final class ModelInput {
    public String key;
    public long eventTime;
    public int token;
    public float[] features;
    public boolean reset;
    /** Token ids of a multi-input event's token inputs, in input order; null for one-input events. */
    public int[] tokens;
    /** The event's class label, -1 for none. */
    public int label = -1;
    /** Where the event was read (topic, partition, offset), written into its prediction; null / -1 when not from Kafka. */
    public String sourceTopic;
    public int sourcePartition = -1;
    public long sourceOffset = -1;
    /** The record's event id (mapping.event-id), null for none. */
    public String eventId;
    /** Fields copied into the prediction as name/value pairs {@code [n0, v0, n1, v1...]} (mapping.copy), null for none. */
    public String[] copied;

    public ModelInput() {
    }

    private ModelInput(String key, long eventTime, int token, float[] features, boolean reset, int label) {
        this.key = key;
        this.eventTime = eventTime;
        this.token = token;
        this.features = features;
        this.reset = reset;
        this.label = label;
    }

    public static ModelInput token(String key, long eventTime, int token, boolean reset) {
        return new ModelInput(key, eventTime, token, null, reset, -1);
    }

    /** A token event with a label ({@code label < 0}: none). */
    public static ModelInput token(String key, long eventTime, int token, int label, boolean reset) {
        return new ModelInput(key, eventTime, token, null, reset, Math.max(-1, label));
    }

    public static ModelInput features(String key, long eventTime, float[] features, boolean reset) {
        return new ModelInput(key, eventTime, -1, Objects.requireNonNull(features, "features"), reset, -1);
    }

    /**
     * An event of a model with several inputs: {@code tokens} for its token inputs and {@code features} for its
     * feature inputs (concatenated), both in the model's input order; either may be empty, not null.
     */
    public static ModelInput inputs(String key, long eventTime, int[] tokens, float[] features, boolean reset) {
        ModelInput m = new ModelInput(key, eventTime, -1, Objects.requireNonNull(features, "features"), reset, -1);
        m.tokens = Objects.requireNonNull(tokens, "tokens");
        return m;
    }

    /** A copy with this label ({@code label < 0}: none). */
    public ModelInput withLabel(int label) {
        ModelInput m = new ModelInput(key, eventTime, token, features, reset, Math.max(-1, label));
        m.tokens = tokens;
        return m.withJoinFieldsOf(this);
    }

    /** This input, read at {@code topic/partition@offset} (set once, by the source's decoder). */
    public ModelInput withSource(String topic, int partition, long offset) {
        this.sourceTopic = topic;
        this.sourcePartition = partition;
        this.sourceOffset = offset;
        return this;
    }

    /** This input with an event id and copied fields (name/value pairs); either may be null. */
    public ModelInput withJoinFields(String eventId, String[] copied) {
        this.eventId = eventId;
        this.copied = copied;
        return this;
    }

    private ModelInput withJoinFieldsOf(ModelInput other) {
        return withSource(other.sourceTopic, other.sourcePartition, other.sourceOffset).withJoinFields(other.eventId, other.copied);
    }

    public boolean hasLabel() {
        return label >= 0;
    }

    /** A one-input event with a feature vector (not a multi-input event). */
    public boolean hasFeatures() {
        return features != null && tokens == null;
    }

    /** An event of a model with several inputs: see {@link #tokens}. */
    public boolean isMultiInput() {
        return tokens != null;
    }

    public String getKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInput m && m.eventTime == eventTime && m.token == token && m.reset == reset && m.label == label
                && Objects.equals(m.key, key) && Arrays.equals(m.features, features) && Arrays.equals(m.tokens, tokens)
                && Objects.equals(m.sourceTopic, sourceTopic)
                && m.sourcePartition == sourcePartition && m.sourceOffset == sourceOffset && Objects.equals(m.eventId, eventId)
                && Arrays.equals(m.copied, copied);
    }

    @Override
    public int hashCode() {
        return (Objects.hash(key, eventTime, token, reset, label) * 31 + Arrays.hashCode(features)) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        String payload = isMultiInput()
                ? " tokens " + Arrays.toString(tokens) + " features[" + features.length + "]"
                : hasFeatures() ? " features[" + features.length + "]" : " token " + token;
        return "ModelInput{" + key + " @" + eventTime + payload
                + (reset ? " reset" : "") + (hasLabel() ? " label " + label : "")
                + (sourceTopic == null ? "" : " from " + sourceTopic + "/" + sourcePartition + "@" + sourceOffset) + "}";
    }
}
