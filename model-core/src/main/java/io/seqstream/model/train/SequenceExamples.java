package io.seqstream.model.train;

import io.seqstream.model.Tensor;
import java.util.List;

/**
 * Training windows cut from event sequences: inputs of {@code length} token ids and, per step, the target
 * class. Next-event prediction (self-supervised) takes the following token as the target; labelled
 * windows carry the events' own labels.
 *
 * @param inputs  token ids, shape (windows, length)
 * @param targets class ids, shape (windows, length), for sparse categorical cross-entropy
 */
public record SequenceExamples(Tensor inputs, Tensor targets) {
    public SequenceExamples {
        if (inputs.rank() != 2 || !java.util.Arrays.equals(inputs.shape(), targets.shape())) {
            throw new IllegalArgumentException("inputs and targets must both be (windows, length), got " + inputs.shapeString()
                    + " and " + targets.shapeString());
        }
    }

    public int size() {
        return inputs.dim(0);
    }

    /**
     * Next-event windows: each sequence of {@code length + 1} tokens gives inputs {@code s[0..length)} and
     * targets {@code s[1..length]}.
     */
    public static SequenceExamples nextEvent(List<int[]> windows, int length) {
        float[] x = new float[windows.size() * length], y = new float[windows.size() * length];
        for (int w = 0; w < windows.size(); w++) {
            int[] s = windows.get(w);
            if (s.length != length + 1) {
                throw new IllegalArgumentException(
                        "window " + w + " has " + s.length + " tokens; next-event windows need length + 1 = " + (length + 1));
            }
            for (int t = 0; t < length; t++) {
                x[w * length + t] = s[t];
                y[w * length + t] = s[t + 1];
            }
        }
        return new SequenceExamples(Tensor.wrap(x, windows.size(), length), Tensor.wrap(y, windows.size(), length));
    }

    /** Labelled windows: tokens and one label per event, both of {@code length}. */
    public static SequenceExamples labelled(List<int[]> tokens, List<int[]> labels, int length) {
        if (tokens.size() != labels.size())
            throw new IllegalArgumentException(tokens.size() + " token windows but " + labels.size() + " label windows");
        float[] x = new float[tokens.size() * length], y = new float[tokens.size() * length];
        for (int w = 0; w < tokens.size(); w++) {
            if (tokens.get(w).length != length || labels.get(w).length != length) {
                throw new IllegalArgumentException("window " + w + " must have " + length + " tokens and labels");
            }
            for (int t = 0; t < length; t++) {
                x[w * length + t] = tokens.get(w)[t];
                y[w * length + t] = labels.get(w)[t];
            }
        }
        return new SequenceExamples(Tensor.wrap(x, tokens.size(), length), Tensor.wrap(y, tokens.size(), length));
    }

    /** Windows [from, to). */
    public SequenceExamples slice(int from, int to) {
        return new SequenceExamples(inputs.sliceBatch(from, to), targets.sliceBatch(from, to));
    }
}
