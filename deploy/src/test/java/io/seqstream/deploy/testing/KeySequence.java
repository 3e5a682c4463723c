package io.seqstream.deploy.testing;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.schemas.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Every event sent for one key, and what the job must answer: model-core {@code predict()} on the key's whole
 * token sequence (restarted at each reset), and the 1-based step of each event.
 */
public final class KeySequence {
    private final String key;
    private final List<Event> events = new ArrayList<>();

    public KeySequence(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public synchronized void add(Event e) {
        events.add(e);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Output row i: the model's output after event i. */
    public List<float[]> referenceOutputs(Model model) {
        List<Event> all = events();
        List<float[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= all.size(); i++) {
            if (i == all.size() || all.get(i).getReset()) {
                out.addAll(predict(model, all.subList(start, i)));
                start = i;
            }
        }
        return out;
    }

    /** The step each event must carry: counts restart at 1 on a reset. */
    public List<Long> referenceSteps() {
        List<Long> steps = new ArrayList<>();
        long step = 0;
        for (Event e : events()) {
            step = e.getReset() ? 1 : step + 1;
            steps.add(step);
        }
        return steps;
    }

    private static List<float[]> predict(Model model, List<Event> segment) {
        int[] ids = new int[segment.size()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = segment.get(t).getToken();
        }
        Tensor y = model.predict(Tensor.ofTokens(new int[][]{ ids }));
        int width = y.dim(2);
        List<float[]> rows = new ArrayList<>();
        for (int t = 0; t < ids.length; t++) {
            float[] row = new float[width];
            System.arraycopy(y.data(), t * width, row, 0, width);
            rows.add(row);
        }
        return rows;
    }
}
