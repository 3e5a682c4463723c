package io.seqstream.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code fit} returns: per-epoch values of the loss and metrics (Keras' {@code History.history}). */
public final class History {
    private final Map<String, List<Double>> history;

    History(Map<String, List<Double>> history) {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        history.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.history = Collections.unmodifiableMap(copy);
    }

    public Map<String, List<Double>> history() {
        return history;
    }

    public List<Double> get(String key) {
        List<Double> v = history.get(key);
        if (v == null)
            throw new IllegalArgumentException("no '" + key + "' in history; keys: " + history.keySet());
        return v;
    }

    public int epochs() {
        return history.isEmpty() ? 0 : history.values().iterator().next().size();
    }

    /** The last epoch's value of a key. */
    public double last(String key) {
        List<Double> v = get(key);
        return v.get(v.size() - 1);
    }

    @Override
    public String toString() {
        return history.toString();
    }
}
