package io.seqstream.jobs.mapping.spec;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A lookup vocabulary with Keras' {@code StringLookup}/{@code IntegerLookup} defaults ({@code num_oov_indices=1},
 * no mask token): index 0 is the out-of-vocabulary index, the vocabulary's terms are 1..n in order. An unknown
 * term maps to 0, as in Keras: it is a valid input, not an error. Integer terms are looked up by their decimal
 * form, so one class serves both layers.
 */
public final class Vocabulary implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int OOV_INDEX = 0;

    private final String source;
    private final HashMap<String, Integer> index;

    private Vocabulary(String source, List<String> terms) {
        this.source = source;
        this.index = new HashMap<>(terms.size() * 2);
        for (String t : terms) {
            if (index.putIfAbsent(t, index.size() + 1) != null) {
                throw new IllegalArgumentException(
                        source + ": term '" + t + "' appears twice (a Keras lookup vocabulary has unique terms)");
            }
        }
        if (terms.isEmpty()) {
            throw new IllegalArgumentException(source + ": the vocabulary is empty");
        }
    }

    public static Vocabulary of(String source, List<String> terms) {
        return new Vocabulary(source, terms);
    }

    /** A Keras vocabulary file: one term per line (UTF-8), as {@code StringLookup(vocabulary=path)} reads it; empty lines ignored. */
    public static Vocabulary load(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).filter(l -> !l.isEmpty()).toList();
            return new Vocabulary(file.toString(), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read vocabulary file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The term's index, {@link #OOV_INDEX} for an unknown one. */
    public int lookup(String term) {
        Integer i = index.get(term);
        return i == null ? OOV_INDEX : i;
    }

    /** Indexes the lookup produces: the terms plus the OOV index (Keras' {@code vocabulary_size()}). */
    public int size() {
        return index.size() + 1;
    }

    public Map<String, Integer> terms() {
        return Map.copyOf(index);
    }

    @Override
    public String toString() {
        return "Vocabulary{" + source + ", " + index.size() + " terms + OOV}";
    }
}
