package io.seqstream.model.layers;

import io.seqstream.model.Tensor;
import java.util.List;

/**
 * The result of one forward call of a layer: its outputs, and whatever the layer keeps to back-propagate
 * through that call. A shared layer called twice has two independent calls.
 */
public final class LayerCall {
    private final List<Tensor> inputs;
    private final List<Tensor> outputs;
    private final Object cache;

    public LayerCall(List<Tensor> inputs, List<Tensor> outputs, Object cache) {
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.cache = cache;
    }

    public List<Tensor> inputs() {
        return inputs;
    }

    public List<Tensor> outputs() {
        return outputs;
    }

    public Tensor output() {
        return outputs.get(0);
    }

    @SuppressWarnings("unchecked")
    <T> T cache() {
        return (T) cache;
    }
}
