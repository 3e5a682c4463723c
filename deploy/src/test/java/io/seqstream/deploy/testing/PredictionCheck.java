package io.seqstream.deploy.testing;

import io.seqstream.model.Model;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks predictions against the reference, exactly once: every event sent has exactly one prediction (found by
 * key and event time), with the expected step, the model version, and model-core's output for the key's whole
 * sequence within a tolerance.
 */
public final class PredictionCheck {
    private PredictionCheck() {
    }

    /** Returns the problems found (empty when all is well), at most a few per kind. */
    public static List<String> problems(Model model, long modelVersion, Map<String, KeySequence> sent, List<Prediction> got,
            double tolerance) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<Long, List<Prediction>>> byKeyAndTime = new HashMap<>();
        for (Prediction p : got) {
            byKeyAndTime.computeIfAbsent(p.getKey(), k -> new HashMap<>()).computeIfAbsent(p.getEventTime(), t -> new ArrayList<>())
                    .add(p);
        }
        for (String key : byKeyAndTime.keySet()) {
            if (!sent.containsKey(key)) {
                add(problems, "prediction for unknown key " + key);
            }
        }
        for (KeySequence seq : sent.values()) {
            List<Event> events = seq.events();
            List<float[]> outputs = seq.referenceOutputs(model);
            List<Long> steps = seq.referenceSteps();
            Map<Long, List<Prediction>> mine = byKeyAndTime.getOrDefault(seq.key(), Map.of());
            if (mine.size() > events.size()) {
                add(problems, seq.key() + ": predictions for " + mine.size() + " event times, but " + events.size() + " events were sent");
            }
            for (int i = 0; i < events.size(); i++) {
                Event e = events.get(i);
                List<Prediction> ps = mine.getOrDefault(e.getEventTime(), List.of());
                if (ps.isEmpty()) {
                    add(problems, seq.key() + " event " + (i + 1) + " (step " + steps.get(i) + "): no prediction (lost)");
                    continue;
                }
                if (ps.size() > 1) {
                    add(problems, seq.key() + " event " + (i + 1) + ": " + ps.size() + " predictions (duplicated)");
                }
                Prediction p = ps.get(0);
                if (p.getStep() != steps.get(i)) {
                    add(problems, seq.key() + " event " + (i + 1) + ": step " + p.getStep() + ", expected " + steps.get(i));
                }
                if (p.getModelVersion() != modelVersion) {
                    add(problems,
                            seq.key() + " event " + (i + 1) + ": model version " + p.getModelVersion() + ", expected " + modelVersion);
                }
                List<Float> out = p.getOutput();
                float[] ref = outputs.get(i);
                if (out == null || out.size() != ref.length) {
                    add(problems, seq.key() + " event " + (i + 1) + ": output vector " + (out == null ? "missing" : "of " + out.size())
                            + ", expected " + ref.length + " values");
                    continue;
                }
                double maxDiff = 0;
                for (int j = 0; j < ref.length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(out.get(j) - ref[j]));
                }
                if (maxDiff > tolerance) {
                    add(problems, seq.key() + " event " + (i + 1) + " (step " + steps.get(i) + "): output differs from the reference by "
                            + maxDiff);
                }
            }
        }
        return problems;
    }

    private static void add(List<String> problems, String p) {
        if (problems.size() < 40) {
            problems.add(p);
        } else if (problems.size() == 40) {
            problems.add("...");
        }
    }
}
