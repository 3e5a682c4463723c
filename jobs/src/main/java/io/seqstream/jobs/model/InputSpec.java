package io.seqstream.jobs.model;

import java.io.Serializable;

/**
 * What a model accepts per event: token ids in {@code [0, vocabularySize)} or finite feature vectors of
 * length {@code featureSize}. Small and serializable, so input validation needs no model.
 */
public record InputSpec(boolean tokenInput, int vocabularySize, int featureSize) implements Serializable {
    public InputSpec {
        if (tokenInput ? vocabularySize <= 0 : featureSize <= 0) {
            throw new IllegalArgumentException("a token model needs a vocabulary, a feature model a feature size: " + vocabularySize
                    + ", " + featureSize);
        }
    }

    public static InputSpec tokens(int vocabularySize) {
        return new InputSpec(true, vocabularySize, 0);
    }

    public static InputSpec features(int featureSize) {
        return new InputSpec(false, 0, featureSize);
    }

    @Override
    public String toString() {
        return tokenInput ? "token ids in [0, " + vocabularySize + ")" : "feature vectors of length " + featureSize;
    }
}
