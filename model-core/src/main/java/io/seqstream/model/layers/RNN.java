package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras {@code RNN(cell, return_sequences, return_state, go_backwards, stateful, unroll)}.
 *
 * <p>Input (batch, time, features). With {@code goBackwards} the sequence is consumed from the last step
 * and the outputs stay in processing order (Keras does not flip them back). With {@code stateful} the
 * final states of batch row b become the initial states of row b in the next call; that needs a fixed
 * batch size. {@code unroll} is accepted and changes nothing: results never depend on it.
 */
public class RNN extends Layer {
    private final RecurrentCell cell;
    private final boolean returnSequences;
    private final boolean returnState;
    private final boolean goBackwards;
    private final boolean stateful;
    private final boolean unroll;
    private float[][] states; // stateful only: per state [batch*units]
    private int fixedBatch = -1;

    protected RNN(Builder<?> b, String prefix) {
        super(b, prefix);
        this.cell = b.cell;
        this.returnSequences = b.returnSequences;
        this.returnState = b.returnState;
        this.goBackwards = b.goBackwards;
        this.stateful = b.stateful;
        this.unroll = b.unroll;
    }

    /** A generic RNN over a cell ({@link LSTMCell} or {@link SimpleRNNCell}). */
    public static GenericBuilder builder(RecurrentCell cell) {
        return new GenericBuilder(cell);
    }

    /** Builder of a generic {@code RNN(cell)}. */
    public static final class GenericBuilder extends Builder<GenericBuilder> {
        GenericBuilder(RecurrentCell cell) {
            super(cell);
        }

        @Override
        public RNN build() {
            return new RNN(this, "rnn");
        }
    }

    @Override
    public String className() {
        return "RNN";
    }

    public RecurrentCell cell() {
        return cell;
    }

    public int units() {
        return cell.units();
    }

    public boolean returnSequences() {
        return returnSequences;
    }

    public boolean returnState() {
        return returnState;
    }

    public boolean goBackwards() {
        return goBackwards;
    }

    public boolean stateful() {
        return stateful;
    }

    public boolean unroll() {
        return unroll;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        if (s.length != 3)
            throw error("expected input of shape (batch, time, features), got " + Tensor.shapeString(s));
        if (s[2] < 0)
            throw error("the feature axis of the input must be known, got " + Tensor.shapeString(s));
        if (stateful && s[0] < 0) {
            throw error("stateful=True needs a fixed batch size; give the first layer batchInputShape(batch, time, features)"
                    + " (Keras batch_input_shape), got input " + Tensor.shapeString(s));
        }
        int u = cell.units();
        List<int[]> out = new ArrayList<>();
        out.add(returnSequences ? new int[]{ s[0], s[1], u } : new int[]{ s[0], u });
        if (returnState)
            for (int i = 0; i < cell.stateCount(); i++)
                out.add(new int[]{ s[0], u });
        return out;
    }

    @Override
    protected void createWeights(List<int[]> in) {
        int[] s = in.get(0);
        cell.build(s[2], this, initRandom());
        if (stateful) {
            fixedBatch = s[0];
            states = new float[cell.stateCount()][fixedBatch * cell.units()];
        }
    }

    @Override
    public void resetStates() {
        if (states != null)
            for (float[] st : states)
                Arrays.fill(st, 0f);
    }

    /** Current states of a stateful layer, copies, one [batch*units] array per state. */
    public List<Tensor> getStates() {
        if (!stateful)
            throw error("only a stateful RNN keeps states between calls");
        List<Tensor> r = new ArrayList<>();
        for (float[] st : states)
            r.add(Tensor.of(st, fixedBatch, cell.units()));
        return r;
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        return forward(inputs, java.util.Collections.singletonList(null), training);
    }

    /** With a mask, masked steps are skipped: states and output stay as they were (Keras semantics). */
    @Override
    public LayerCall forward(List<Tensor> inputs, List<float[]> masks, boolean training) {
        Tensor x = inputs.get(0);
        float[] mask = masks.isEmpty() ? null : masks.get(0);
        int[] built = builtInputShapes().get(0);
        if (x.rank() != 3 || x.dim(2) != built[2]) {
            throw error("expected input of shape " + Tensor.shapeString(built) + " but got " + x.shapeString());
        }
        Shapes.checkFinite(this, x);
        int batch = x.dim(0), time = x.dim(1), d = x.dim(2), u = cell.units();
        if (stateful && batch != fixedBatch) {
            throw error("stateful layer was built for batch size " + fixedBatch + " but got a batch of " + batch
                    + "; stateful RNNs need the same batch size on every call");
        }
        float[] seq = goBackwards ? reverseTime(x.data(), batch, time, d) : x.data();
        float[][] init = stateful ? states : zeros(cell.stateCount(), batch * u);
        if (mask != null && mask.length != batch * time)
            throw error("mask has " + mask.length + " values for input " + x.shapeString());
        float[] stepMask = mask == null ? null : goBackwards ? Masks.reverse(mask, batch, time) : mask;
        RecurrentCell.Sequence run = cell.forward(seq, batch, time, init, training, stepMask);
        if (stateful) {
            for (int i = 0; i < states.length; i++)
                System.arraycopy(run.finals[i], 0, states[i], 0, states[i].length);
        }
        List<Tensor> outs = new ArrayList<>();
        outs.add(returnSequences ? Tensor.wrap(run.outputs, batch, time, u) : Tensor.wrap(run.finals[0].clone(), batch, u));
        if (returnState)
            for (float[] f : run.finals)
                outs.add(Tensor.wrap(f, batch, u));
        return new LayerCall(inputs, outs, training ? run : null);
    }

    /** Keras: the input mask goes on with the full sequence, and ends with the time axis. */
    @Override
    public List<float[]> computeMask(List<Tensor> inputs, List<float[]> masks) {
        if (!returnSequences || masks.isEmpty() || masks.get(0) == null)
            return null;
        List<float[]> out = new ArrayList<>();
        out.add(masks.get(0));
        if (returnState)
            for (int i = 0; i < cell.stateCount(); i++)
                out.add(null);
        return out;
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        RecurrentCell.Sequence run = call.cache();
        int batch = run.batch, time = run.time, u = cell.units(), d = cell.inputDim();
        float[] dHs = null;
        float[][] dFinal = new float[cell.stateCount()][];
        Tensor dOut = gradOutputs.get(0);
        if (dOut != null) {
            if (returnSequences)
                dHs = dOut.data();
            else
                dFinal[0] = dOut.data().clone();
        }
        if (returnState) {
            for (int i = 0; i < cell.stateCount(); i++) {
                Tensor g = gradOutputs.get(1 + i);
                if (g == null)
                    continue;
                if (dFinal[i] == null)
                    dFinal[i] = g.data().clone();
                else
                    for (int j = 0; j < dFinal[i].length; j++)
                        dFinal[i][j] += g.data()[j];
            }
        }
        float[] dx = cell.backward(run, dHs, dFinal);
        if (goBackwards)
            dx = reverseTime(dx, batch, time, d);
        return List.of(Tensor.wrap(dx, batch, time, d));
    }

    private static float[][] zeros(int n, int size) {
        float[][] z = new float[n][];
        for (int i = 0; i < n; i++)
            z[i] = new float[size];
        return z;
    }

    static float[] reverseTime(float[] x, int batch, int time, int d) {
        float[] r = new float[x.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < time; t++)
                System.arraycopy(x, (b * time + t) * d, r, (b * time + (time - 1 - t)) * d, d);
        }
        return r;
    }

    @Override
    public ObjectNode getConfig() {
        ObjectNode c = super.getConfig();
        if (className().equals("RNN")) {
            ObjectNode cc = c.putObject("cell");
            cc.put("class_name", cell.kerasName());
            cc.set("config", cell.getConfig());
        } else {
            c.setAll(cell.getConfig());
        }
        c.put("return_sequences", returnSequences);
        c.put("return_state", returnState);
        c.put("go_backwards", goBackwards);
        c.put("stateful", stateful);
        c.put("unroll", unroll);
        return c;
    }

    /** Flags shared by RNN, LSTM and SimpleRNN. */
    public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
        RecurrentCell cell;
        boolean returnSequences;
        boolean returnState;
        boolean goBackwards;
        boolean stateful;
        boolean unroll;

        protected Builder(RecurrentCell cell) {
            this.cell = cell;
        }

        public B returnSequences(boolean v) {
            this.returnSequences = v;
            return self();
        }

        public B returnState(boolean v) {
            this.returnState = v;
            return self();
        }

        public B goBackwards(boolean v) {
            this.goBackwards = v;
            return self();
        }

        public B stateful(boolean v) {
            this.stateful = v;
            return self();
        }

        public B unroll(boolean v) {
            this.unroll = v;
            return self();
        }

        public abstract RNN build();
    }
}
