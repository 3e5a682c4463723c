package io.seqstream.apps.demo;

import io.seqstream.testkit.SessionGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Names of the demo's event types for {@code --format json}: the events carry {@code "event_type": "checkout"},
 * not a token id, and the job maps them through a Keras-style lookup vocabulary (index 0 = OOV, terms 1..n).
 *
 * <p>The vocabulary file lists the names of tokens 1..V-1 in order, so a listed name looks up to its token id.
 * Token 0's name, {@code landing}, is deliberately not listed: it is out of vocabulary and looks up to the OOV
 * index 0, which is the token the model was trained on. The demo so shows an unknown string becoming the OOV
 * index, as in Keras, not a dead letter.
 */
final class DemoEventTypes {
    private static final String[] INTENTS = { "landing", "search", "promo_click", "reorder" };

    private DemoEventTypes() {
    }

    static String name(int token) {
        int i = SessionGenerator.INTENTS, a = SessionGenerator.ACTIONS;
        if (token < i) {
            return INTENTS[token];
        }
        if (token < i + a) {
            return String.format("action_%02d", token - i);
        }
        return "end_" + INTENTS[token - i - a];
    }

    /** The vocabulary terms: names of tokens 1..V-1 (token 0's name is the OOV term). */
    static List<String> vocabularyTerms() {
        List<String> terms = new ArrayList<>();
        for (int t = 1; t < SessionGenerator.VOCABULARY; t++) {
            terms.add(name(t));
        }
        return terms;
    }

    static Path writeVocabulary(Path file) {
        try {
            Files.write(file, vocabularyTerms());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo vocabulary " + file, e);
        }
    }
}
