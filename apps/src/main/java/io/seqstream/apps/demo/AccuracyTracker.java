package io.seqstream.apps.demo;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Next-event accuracy of the live predictions: the top class of the prediction after a key's event i is
 * the guess for that key's event i+1. The producer reports every event it sends, the monitor every
 * prediction it reads (a key's predictions arrive in order: one partition per key, read_committed);
 * guesses across a session start (a reset) are not scored, since nothing predicts a new session.
 */
final class AccuracyTracker {
    private static final int NO_GUESS = -1;

    private static final class KeyTrack {
        final ArrayDeque<int[]> unpredicted = new ArrayDeque<>(); // {token, reset} of sent events without a prediction yet
        int lastGuess = NO_GUESS;
    }

    private final Map<String, KeyTrack> keys = new ConcurrentHashMap<>();
    private final AtomicLong scored = new AtomicLong();
    private final AtomicLong correct = new AtomicLong();

    void sent(String key, int token, boolean reset) {
        KeyTrack k = keys.computeIfAbsent(key, x -> new KeyTrack());
        synchronized (k) {
            k.unpredicted.addLast(new int[]{ token, reset ? 1 : 0 });
        }
    }

    void predicted(String key, int topClass) {
        KeyTrack k = keys.get(key);
        if (k == null) {
            return; // not sent by this run (e.g. older data on an existing Kafka)
        }
        synchronized (k) {
            int[] event = k.unpredicted.pollFirst();
            if (event == null) {
                return;
            }
            if (k.lastGuess != NO_GUESS && event[1] == 0) {
                scored.incrementAndGet();
                if (k.lastGuess == event[0]) {
                    correct.incrementAndGet();
                }
            }
            k.lastGuess = topClass;
        }
    }

    /** Fraction of scored guesses that were right; NaN before the first. */
    double accuracy() {
        long n = scored.get();
        return n == 0 ? Double.NaN : (double) correct.get() / n;
    }

    long scored() {
        return scored.get();
    }
}
