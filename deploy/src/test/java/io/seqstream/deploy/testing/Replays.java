package io.seqstream.deploy.testing;

import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The consumer's recipe for at-least-once output (docs/OPERATIONS.md): a prediction is identified by its key and
 * step (and event time, since a reset starts a key's steps again at 1); one seen before is a replay and is dropped.
 * Also checks that each replay repeats the prediction it duplicates: same model version and top classes, every
 * probability equal within {@link #ROUNDING} (the replayed event may be stepped in a micro-batch of another size after
 * the restart, and the packed product's row blocking can then round the last bit differently).
 */
public final class Replays {
    /** The predictions without replays (first occurrences, in order), how many were dropped, and replays that differ. */
    public record Result(List<Prediction> distinct, int dropped, List<String> mismatches) {
    }

    private record Id(String key, long step, long eventTime) {
    }

    /** Largest difference of a probability between a prediction and its replay: float rounding, not another result. */
    static final double ROUNDING = 1e-6;

    private Replays() {
    }

    public static Result drop(List<Prediction> inOrder) {
        Map<Id, Prediction> first = new LinkedHashMap<>();
        List<String> mismatches = new ArrayList<>();
        int dropped = 0;
        for (Prediction p : inOrder) {
            Id id = new Id(p.getKey(), p.getStep(), p.getEventTime());
            Prediction seen = first.putIfAbsent(id, p);
            if (seen != null) {
                dropped++;
                if (!sameResult(seen, p) && mismatches.size() < 10) {
                    mismatches.add(id + ": " + seen + " then " + p);
                }
            }
        }
        return new Result(List.copyOf(first.values()), dropped, List.copyOf(mismatches));
    }

    /** Everything but processingTime (when it was computed) is the same, probabilities up to {@link #ROUNDING}. */
    static boolean sameResult(Prediction a, Prediction b) {
        if (a.getModelVersion() != b.getModelVersion() || a.getTopK().size() != b.getTopK().size()) {
            return false;
        }
        for (int i = 0; i < a.getTopK().size(); i++) {
            TopClass x = a.getTopK().get(i), y = b.getTopK().get(i);
            if (x.getClassId() != y.getClassId() || Math.abs(x.getProbability() - y.getProbability()) > ROUNDING) {
                return false;
            }
        }
        if (a.getOutput() == null || b.getOutput() == null) {
            return a.getOutput() == b.getOutput();
        }
        if (a.getOutput().size() != b.getOutput().size()) {
            return false;
        }
        for (int i = 0; i < a.getOutput().size(); i++) {
            if (Math.abs(a.getOutput().get(i) - b.getOutput().get(i)) > ROUNDING) {
                return false;
            }
        }
        return true;
    }
}
