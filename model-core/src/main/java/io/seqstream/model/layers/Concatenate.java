package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Keras {@code Concatenate(axis)}: joins inputs along one axis (default the last). */
public final class Concatenate extends Layer {
    private final int axis;

    private Concatenate(Builder b) {
        super(b, "concatenate");
        this.axis = b.axis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Concatenate create(int axis) {
        return builder().axis(axis).build();
    }

    @Override
    public String className() {
        return "Concatenate";
    }

    public int axis() {
        return axis;
    }

    @Override
    protected int minInputs() {
        return 1;
    }

    @Override
    protected int maxInputs() {
        return Integer.MAX_VALUE;
    }

    private int resolve(int rank) {
        int a = axis < 0 ? rank + axis : axis;
        if (a <= 0 || a >= rank)
            throw error("axis " + axis + " is not a non-batch axis of inputs of rank " + rank);
        return a;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0).clone();
        int a = resolve(s.length);
        for (int i = 1; i < in.size(); i++) {
            int[] o = in.get(i);
            boolean ok = o.length == s.length;
            for (int d = 1; ok && d < s.length; d++)
                if (d != a && o[d] != s[d])
                    ok = false;
            if (!ok) {
                throw error("inputs must match except on axis " + axis + "; input 0 is " + Tensor.shapeString(in.get(0))
                        + ", input " + i + " is " + Tensor.shapeString(o));
            }
            s[a] = s[a] < 0 || o[a] < 0 ? -1 : s[a] + o[a];
        }
        return List.of(s);
    }

    /**
     * Keras: a step is kept where any input keeps it; an input without a mask keeps every step, so then
     * nothing is masked after the merge.
     */
    @Override
    public List<float[]> computeMask(List<Tensor> inputs, List<float[]> masks) {
        float[] out = null;
        for (float[] m : masks) {
            if (m == null)
                return null;
            if (out == null)
                out = m.clone();
            else
                for (int i = 0; i < out.length; i++)
                    out[i] = Math.max(out[i], m[i]);
        }
        return out == null ? null : java.util.Collections.singletonList(out);
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        int rank = inputs.get(0).rank();
        int a = resolve(rank);
        int[] shape = inputs.get(0).shape();
        int outer = 1;
        for (int d = 0; d < a; d++)
            outer *= shape[d];
        int total = 0;
        int[] widths = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t.rank() != rank)
                throw error("input " + i + " has rank " + t.rank() + ", input 0 has " + rank);
            widths[i] = t.size() / Math.max(1, outer);
            total += widths[i];
        }
        float[] y = new float[outer * total];
        int off = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] x = inputs.get(i).data();
            for (int o = 0; o < outer; o++)
                System.arraycopy(x, o * widths[i], y, o * total + off, widths[i]);
            off += widths[i];
        }
        int inner = 1;
        for (int d = a + 1; d < rank; d++)
            inner *= shape[d];
        shape[a] = total / inner;
        return new LayerCall(inputs, List.of(Tensor.wrap(y, shape)), widths);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        int[] widths = call.cache();
        float[] dy = gradOutputs.get(0).data();
        int total = 0;
        for (int w : widths)
            total += w;
        int outer = total == 0 ? 0 : dy.length / total;
        List<Tensor> grads = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < widths.length; i++) {
            float[] dx = new float[outer * widths[i]];
            for (int o = 0; o < outer; o++)
                System.arraycopy(dy, o * total + off, dx, o * widths[i], widths[i]);
            off += widths[i];
            grads.add(Tensor.wrap(dx, call.inputs().get(i).shape()));
        }
        return grads;
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        c.put("axis", axis);
        return c;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private int axis = -1;

        public Builder axis(int axis) {
            this.axis = axis;
            return this;
        }

        public Concatenate build() {
            return new Concatenate(this);
        }
    }
}
