package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.ops.ActivationFunction;

/**
 * The step function of a recurrent layer (Keras' {@code LSTMCell}, {@code SimpleRNNCell}). A cell runs a
 * whole sequence at once so the input projection is one matrix product; the layer handles the flags.
 */
public abstract class RecurrentCell {
    protected final int units;
    protected final ActivationFunction activation;
    protected final boolean useBias;
    protected int inputDim;

    protected RecurrentCell(int units, ActivationFunction activation, boolean useBias) {
        if (units <= 0)
            throw new IllegalArgumentException(kerasName() + " units must be positive, got " + units);
        if (!activation.elementWise())
            throw new IllegalArgumentException(kerasName() + " activation must be element-wise, got softmax");
        this.units = units;
        this.activation = activation;
        this.useBias = useBias;
    }

    public abstract String kerasName();

    public int units() {
        return units;
    }

    public ActivationFunction activation() {
        return activation;
    }

    public boolean useBias() {
        return useBias;
    }

    public int inputDim() {
        return inputDim;
    }

    /** Number of state tensors: LSTM has h and c, SimpleRNN has h. */
    public abstract int stateCount();

    /** Names of the states, as Keras reports them. */
    public abstract String[] stateNames();

    abstract void build(int inputDim, Layer owner, java.util.SplittableRandom rnd);

    /**
     * Runs a sequence {@code x} [B, T, inputDim] (already in processing order) from {@code init}
     * (one [B*units] array per state) and returns the per-step outputs and final states. {@code mask} [B, T]
     * (processing order, may be null): a masked step keeps every state as it was.
     */
    abstract Sequence forward(float[] x, int batch, int time, float[][] init, boolean keepForBackward, float[] mask);

    /**
     * Back-propagates a sequence: {@code dHs} [B, T, units] is the gradient of each step's output,
     * {@code dFinal} that of the final states (entries may be null). Accumulates weight gradients and
     * returns the gradient of {@code x}.
     */
    abstract float[] backward(Sequence seq, float[] dHs, float[][] dFinal);

    public ObjectNode getConfig() {
        ObjectNode c = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        c.put("units", units);
        c.put("activation", activation.kerasName());
        c.put("use_bias", useBias);
        return c;
    }

    /** Result of a sequence run. */
    static final class Sequence {
        final float[] x;
        final int batch;
        final int time;
        final float[] outputs; // [B, T, units]
        final float[][] finals; // per state [B*units]
        final Object cache;

        Sequence(float[] x, int batch, int time, float[] outputs, float[][] finals, Object cache) {
            this.x = x;
            this.batch = batch;
            this.time = time;
            this.outputs = outputs;
            this.finals = finals;
            this.cache = cache;
        }
    }
}
