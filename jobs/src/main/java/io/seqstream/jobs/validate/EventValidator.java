package io.seqstream.jobs.validate;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import java.io.Serializable;
import java.util.List;

/**
 * Checks a decoded Event against the model's input before it reaches keyed state: exactly one payload,
 * a token inside the vocabulary, a feature vector of the right length with finite values. A bad value
 * would otherwise poison the key's recurrent state for good.
 */
public final class EventValidator implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int MAX_KEY_CHARS_IN_MESSAGE = 80;
    /** Longest key accepted: every key is held in keyed state and timers, so a megabyte key is refused, not stored. */
    public static final int MAX_KEY_CHARS = 16_384;

    private final InputSpec spec;

    public EventValidator(InputSpec spec) {
        this.spec = spec;
    }

    public InputSpec spec() {
        return spec;
    }

    /** The event as model input, or the reason it cannot be. */
    public Result validate(Event e) {
        Integer token = e.getToken();
        List<Float> features = e.getFeatures();
        String key = "key '" + shortKey(e.getKey()) + "'";
        if (e.getKey().length() > MAX_KEY_CHARS) {
            return reject(ErrorKind.OVERSIZED, key + ": the key has " + e.getKey().length() + " characters, more than " + MAX_KEY_CHARS);
        }
        if ((token == null) == (features == null)) {
            return reject(ErrorKind.MISSING_PAYLOAD, key + ": an event needs exactly one of token and features, it has "
                    + (token == null ? "neither" : "both"));
        }
        if (spec.tokenInput()) {
            if (token == null) {
                return reject(ErrorKind.MISSING_PAYLOAD, key + ": the model takes token ids in [0, " + spec.vocabularySize()
                        + "), the event has a feature vector of length " + features.size() + " and no token");
            }
            if (token < 0 || token >= spec.vocabularySize()) {
                return reject(ErrorKind.TOKEN_OUT_OF_RANGE, key + ": token id " + token + " is outside the vocabulary [0, "
                        + spec.vocabularySize() + ")");
            }
            Integer label = e.getLabel(); // a training target only; retraining checks its range against the model's outputs
            return new Result.Valid(ModelInput.token(e.getKey(), e.getEventTime(), token, label == null ? -1 : label, e.getReset()));
        }
        if (features == null) {
            return reject(ErrorKind.MISSING_PAYLOAD, key + ": the model takes feature vectors of length " + spec.featureSize()
                    + ", the event has token " + token + " and no features");
        }
        if (features.size() != spec.featureSize()) {
            return reject(ErrorKind.WRONG_FEATURE_LENGTH, key + ": feature vector has length " + features.size()
                    + ", the model needs " + spec.featureSize());
        }
        float[] f = new float[features.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = features.get(i);
            if (!Float.isFinite(f[i])) {
                return reject(ErrorKind.NON_FINITE_FEATURE, key + ": feature " + i + " is " + f[i]
                        + "; a non-finite value would poison the key's state");
            }
        }
        Integer label = e.getLabel();
        return new Result.Valid(ModelInput.features(e.getKey(), e.getEventTime(), f, e.getReset()).withLabel(label == null ? -1 : label));
    }

    static String shortKey(String key) {
        return key.length() <= MAX_KEY_CHARS_IN_MESSAGE
                ? key
                : key.substring(0, MAX_KEY_CHARS_IN_MESSAGE) + "...(" + key.length() + " chars)";
    }

    private static Result reject(ErrorKind kind, String message) {
        return new Result.Rejected(new Rejection(kind, message));
    }

    /** Either a model input or a rejection. */
    public sealed interface Result {
        record Valid(ModelInput input) implements Result {
        }

        record Rejected(Rejection rejection) implements Result {
        }
    }
}
