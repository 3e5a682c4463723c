package io.seqstream.jobs.retrain;

import io.seqstream.model.Model;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.Weight;
import java.util.Optional;

/**
 * Facts about a model's weights that decide whether a snapshot can replace the serving model: the shape
 * signature (two models with the same layers and weight shapes have the same recurrent state layout, so a
 * key's state can be kept across a swap) and the first non-finite weight, if any.
 */
public final class ModelShape {
    private ModelShape() {
    }

    /** Layer types and weight shapes, e.g. {@code Embedding[40x16] LSTM[16x192,48x192,192] Dense[48x40,40]}. */
    public static String signature(Model model) {
        StringBuilder sb = new StringBuilder();
        for (Layer l : model.layers()) {
            if (l.weights().isEmpty()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(l.getClass().getSimpleName()).append('[');
            boolean first = true;
            for (Weight w : l.weights()) {
                sb.append(first ? "" : ",").append(dims(w.shape()));
                first = false;
            }
            sb.append(']');
        }
        return sb.toString();
    }

    private static String dims(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return sb.toString();
    }

    /** Where the first NaN or infinite weight is ("layer 'lstm' weight 'kernel'[12] = NaN"), if any. */
    public static Optional<String> firstNonFinite(Model model) {
        for (Layer l : model.layers()) {
            for (Weight w : l.weights()) {
                float[] v = w.values();
                for (int i = 0; i < v.length; i++) {
                    if (!Float.isFinite(v[i])) {
                        return Optional.of("layer '" + l.name() + "' weight '" + w.name() + "'[" + i + "] = " + v[i]);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
