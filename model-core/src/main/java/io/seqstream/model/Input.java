package io.seqstream.model;

import io.seqstream.model.layers.InputLayer;
import java.util.List;

/** Keras' {@code Input(...)}: the entry tensors of a functional model. */
public final class Input {
    private Input() {
    }

    /** {@code keras.Input(shape=shape)}: float input, any batch size. */
    public static KerasTensor of(int... shape) {
        return create(null, withBatch(-1, shape), false);
    }

    /** {@code keras.Input(shape=shape, dtype="int32")}: token ids, any batch size. */
    public static KerasTensor ints(int... shape) {
        return create(null, withBatch(-1, shape), true);
    }

    /** A named input with a full batch shape (-1 for any batch size). */
    public static KerasTensor create(String name, int[] batchShape, boolean intDtype) {
        return create(name, batchShape, intDtype ? "int32" : "float32");
    }

    /** {@code keras.Input(shape=..., dtype="string")}: strings, fed as indices (see StringLookup.encode). */
    public static KerasTensor strings(int... shape) {
        return create(null, withBatch(-1, shape), "string");
    }

    /** A named input of dtype int32, float32 or string. */
    public static KerasTensor create(String name, int[] batchShape, String dtype) {
        InputLayer.Builder b = InputLayer.builder(batchShape).dtype(dtype);
        if (name != null)
            b.name(name);
        InputLayer layer = b.build();
        List<KerasTensor> outs = KerasTensor.call(layer, List.of());
        return outs.get(0);
    }

    static int[] withBatch(int batch, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}
