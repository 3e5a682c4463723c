package io.seqstream.deploy.testing;

import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The consumer's recipe for at-least-once output (docs/OPERATIONS.md): a prediction is identified by its key and
 * step (and event time, since a reset starts a key's steps again at 1); one seen before is a replay and is dropped.
 * Also checks that each replay is an exact copy of the prediction it repeats.
 */
public final class Replays {
    /** The predictions without replays (first occurrences, in order), how many were dropped, and replays that differ. */
    public record Result(List<Prediction> distinct, int dropped, List<String> mismatches) {
    }

    private record Id(String key, long step, long eventTime) {
    }

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

    /** Everything but processingTime (when it was computed) is the same. */
    private static boolean sameResult(Prediction a, Prediction b) {
        return a.getModelVersion() == b.getModelVersion() && Objects.equals(a.getTopK(), b.getTopK())
                && Objects.equals(a.getOutput(), b.getOutput());
    }
}
