package io.seqstream.model.layers;

import io.seqstream.model.Tensor;
import java.util.Arrays;

/**
 * One trainable variable of a layer, with its gradient buffer. Values are in Keras layout
 * (e.g. an LSTM kernel is [in, 4*units] with gates i, f, c, o).
 */
public final class Weight {
    private final String name;
    private final int[] shape;
    final float[] value;
    final float[] grad;
    private boolean trainable = true;

    Weight(String name, int... shape) {
        this.name = name;
        this.shape = shape.clone();
        long declared = Tensor.size(shape);
        WeightBudget.take(declared, name);
        int n = Math.toIntExact(declared);
        this.value = new float[n];
        this.grad = new float[n];
    }

    /** Marks a weight that training never changes (Keras non-trainable variables: Normalization statistics). */
    Weight frozen() {
        this.trainable = false;
        return this;
    }

    /** False for non-trainable variables; a frozen layer's weights are left alone too (see Layer.trainable). */
    public boolean trainable() {
        return trainable;
    }

    /** Keras' short name: kernel, recurrent_kernel, bias, embeddings. */
    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return value.length;
    }

    /** Live values, for optimizers and kernels. */
    public float[] values() {
        return value;
    }

    /** Live gradient accumulated by the last backward pass. */
    public float[] gradient() {
        return grad;
    }

    public Tensor toTensor() {
        return Tensor.of(value, shape);
    }

    void set(Tensor t, String layerName) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("layer '" + layerName + "': weight '" + name + "' expects shape "
                    + Tensor.shapeString(shape) + " but got " + t.shapeString());
        }
        System.arraycopy(t.data(), 0, value, 0, value.length);
    }
}
