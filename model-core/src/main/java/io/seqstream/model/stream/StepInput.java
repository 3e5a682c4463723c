package io.seqstream.model.stream;

import io.seqstream.model.layers.IntegerLookup;
import io.seqstream.model.layers.StringLookup;
import java.util.Optional;

/**
 * One model input as the stepper sees it: per event one token id, one feature vector or one string, turned
 * into {@code width} columns at {@code offset} of the row the recurrent layers read (the layers between the
 * input and the merge: lookup, Embedding, Normalization, Masking). Immutable, shared by all steppers.
 */
public final class StepInput {
    /** What one event carries for this input. */
    public enum Kind {
        TOKEN, FEATURES, STRING
    }

    final String name;
    final Kind kind;
    final int vocab; // TOKEN without IntegerLookup: ids in [0, vocab)
    final StringLookup stringLookup; // STRING
    final IntegerLookup integerLookup; // TOKEN through an IntegerLookup
    final float[] embedding; // [indexCount, width], or null
    final boolean maskZero; // Embedding(mask_zero=True): index 0 masks the step
    final int featureSize; // FEATURES: values per event
    final float[] scale; // Normalization, or null
    final float[] shift;
    final boolean masking; // Masking(mask_value) on the features
    final float maskValue;
    final boolean normalizeBeforeMasking;
    final int width;
    final int offset;

    StepInput(String name, Kind kind, int vocab, StringLookup stringLookup, IntegerLookup integerLookup, float[] embedding,
            boolean maskZero,
            int featureSize, float[] scale, float[] shift, boolean masking, float maskValue, boolean normalizeBeforeMasking, int width,
            int offset) {
        this.name = name;
        this.kind = kind;
        this.vocab = vocab;
        this.stringLookup = stringLookup;
        this.integerLookup = integerLookup;
        this.embedding = embedding;
        this.maskZero = maskZero;
        this.featureSize = featureSize;
        this.scale = scale;
        this.shift = shift;
        this.masking = masking;
        this.maskValue = maskValue;
        this.normalizeBeforeMasking = normalizeBeforeMasking;
        this.width = width;
        this.offset = offset;
    }

    /** The model input's name (its InputLayer). */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** TOKEN: valid ids are [0, vocabularySize()) (without an IntegerLookup); 0 otherwise. */
    public int vocabularySize() {
        return vocab;
    }

    /** FEATURES: values per event; 0 otherwise. */
    public int featureSize() {
        return featureSize;
    }

    /** The index a token or string gets (lookup layers applied); also validates it. */
    int index(int token) {
        if (integerLookup != null)
            return integerLookup.lookup((long) token);
        if (token < 0 || token >= vocab)
            throw new IllegalArgumentException("input '" + name + "': token id " + token + " is outside [0, " + vocab + ")");
        return token;
    }

    int index(String s) {
        if (stringLookup == null)
            throw new IllegalArgumentException("input '" + name + "' takes " + kind.name().toLowerCase() + ", not strings");
        return stringLookup.lookup(s);
    }

    /** Why a feature vector cannot be stepped, if it cannot. */
    Optional<String> checkFeatures(float[] f) {
        if (kind != Kind.FEATURES)
            return Optional.of("input '" + name + "' takes " + (kind == Kind.TOKEN ? "token ids" : "strings") + ", not feature vectors");
        if (f.length != featureSize)
            return Optional.of("input '" + name + "': feature vector has length " + f.length + ", the model needs " + featureSize);
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i]))
                return Optional
                        .of("input '" + name + "': feature " + i + " is " + f[i] + "; non-finite values would poison the key's state");
        }
        return Optional.empty();
    }
}
