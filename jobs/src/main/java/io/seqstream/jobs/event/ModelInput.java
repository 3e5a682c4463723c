package io.seqstream.jobs.event;

import java.util.Arrays;
import java.util.Objects;

/**
 * One validated event as the stepping operator needs it: the key, the event time, the payload (a token id
 * for token models, a feature vector for feature models), the reset flag and the label (a training target
 * for retraining; -1 when the event has none). The Avro Event is left behind at the source, so only these
 * few fields cross the keyBy shuffle.
 *
 * <p>A Flink POJO (public fields, no-arg constructor). {@code features} is null for token models and
 * {@code token} is -1 for feature models: use {@link #hasFeatures()}.
 */
public final class ModelInput {
    public String key;
    public long eventTime;
    public int token;
    public float[] features;
    public boolean reset;
    /** The event's class label, -1 for none. */
    public int label = -1;

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

    /** A copy with this label ({@code label < 0}: none). */
    public ModelInput withLabel(int label) {
        return new ModelInput(key, eventTime, token, features, reset, Math.max(-1, label));
    }

    public boolean hasLabel() {
        return label >= 0;
    }

    public boolean hasFeatures() {
        return features != null;
    }

    public String getKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelInput m && m.eventTime == eventTime && m.token == token && m.reset == reset && m.label == label
                && Objects.equals(m.key, key) && Arrays.equals(m.features, features);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, eventTime, token, reset, label) * 31 + Arrays.hashCode(features);
    }

    @Override
    public String toString() {
        return "ModelInput{" + key + " @" + eventTime + (hasFeatures() ? " features[" + features.length + "]" : " token " + token)
                + (reset ? " reset" : "") + (hasLabel() ? " label " + label : "") + "}";
    }
}
