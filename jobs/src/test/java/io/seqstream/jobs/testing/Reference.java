package io.seqstream.jobs.testing;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.stream.StepInput;
import io.seqstream.model.stream.StepModel;
import java.util.ArrayList;
import java.util.List;

/**
 * What the job must produce for one key: model-core {@code predict()} on the key's whole event sequence,
 * restarted at every reset event. Output i is the model's output after event i.
 */
public final class Reference {
    private Reference() {
    }

    public static List<float[]> outputs(Model model, List<ModelInput> events) {
        List<float[]> result = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || events.get(i).reset) {
                result.addAll(predictSegment(model, events.subList(start, i)));
                start = i;
            }
        }
        return result;
    }

    /** The 1-based step of each event: counts restart at a reset. */
    public static List<Long> steps(List<ModelInput> events) {
        List<Long> steps = new ArrayList<>();
        long step = 0;
        for (ModelInput e : events) {
            step = e.reset ? 1 : step + 1;
            steps.add(step);
        }
        return steps;
    }

    /** predict() with one tensor per model input, split from the events' token ids and concatenated features. */
    private static Tensor predictInputs(Model model, List<ModelInput> seg) {
        int len = seg.size();
        List<Tensor> xs = new ArrayList<>();
        int t = 0, f = 0;
        for (StepInput in : StepModel.compileScalar(model).inputs()) { // only for the inputs' kinds and widths
            if (in.kind() == StepInput.Kind.TOKEN) {
                int[] ids = new int[len];
                for (int s = 0; s < len; s++) {
                    ids[s] = seg.get(s).tokens[t];
                }
                xs.add(Tensor.ofTokens(new int[][]{ ids }));
                t++;
            } else {
                int w = in.featureSize();
                float[] flat = new float[len * w];
                for (int s = 0; s < len; s++) {
                    System.arraycopy(seg.get(s).features, f, flat, s * w, w);
                }
                xs.add(Tensor.wrap(flat, 1, len, w));
                f += w;
            }
        }
        return model.predict(xs).get(0);
    }

    private static List<float[]> predictSegment(Model model, List<ModelInput> seg) {
        int len = seg.size();
        Tensor y;
        if (seg.get(0).isMultiInput()) {
            y = predictInputs(model, seg);
        } else if (seg.get(0).hasFeatures()) {
            int f = seg.get(0).features.length;
            float[] flat = new float[len * f];
            for (int t = 0; t < len; t++) {
                System.arraycopy(seg.get(t).features, 0, flat, t * f, f);
            }
            y = model.predict(Tensor.wrap(flat, 1, len, f));
        } else {
            int[] ids = new int[len];
            for (int t = 0; t < len; t++) {
                ids[t] = seg.get(t).token;
            }
            y = model.predict(Tensor.ofTokens(new int[][]{ ids }));
        }
        int out = y.dim(2);
        List<float[]> rows = new ArrayList<>();
        for (int t = 0; t < len; t++) {
            float[] row = new float[out];
            System.arraycopy(y.data(), t * out, row, 0, out);
            rows.add(row);
        }
        return rows;
    }
}
