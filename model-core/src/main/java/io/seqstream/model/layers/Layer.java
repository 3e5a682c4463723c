package io.seqstream.model.layers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Keras layer: built once from its input shapes, then called forward (and backward, in training).
 *
 * <p>Shapes include the batch axis first; {@code -1} stands for an unknown batch size ({@code None}).
 * Calling the same layer object on several tensors (functional API) shares its weights.
 */
public abstract class Layer {
    private static final Map<String, AtomicInteger> NAME_COUNTERS = new ConcurrentHashMap<>();

    private final String name;
    private final int[] batchInputShape; // may be null: shape comes from the previous layer
    private final boolean intInput;
    private final java.util.SplittableRandom initRandom;
    private final List<Weight> weights = new ArrayList<>();
    private List<int[]> builtInputShapes;
    private final List<KerasTensor.Node> inboundNodes = new ArrayList<>();
    private volatile boolean trainable;

    protected Layer(Builder<?> b, String defaultPrefix) {
        this.name = b.name != null ? b.name : uniqueName(defaultPrefix);
        this.batchInputShape = b.batchInputShape;
        this.intInput = b.intInput;
        this.trainable = b.trainable;
        this.initRandom = b.seed != null ? new java.util.SplittableRandom(b.seed) : new java.util.SplittableRandom();
    }

    /** Random source for initial weights: seeded when the builder was given a seed. */
    protected final java.util.SplittableRandom initRandom() {
        return initRandom;
    }

    static String uniqueName(String prefix) {
        int n = NAME_COUNTERS.computeIfAbsent(prefix, k -> new AtomicInteger()).getAndIncrement();
        return n == 0 ? prefix : prefix + "_" + n;
    }

    public final String name() {
        return name;
    }

    /** Keras class name, as in a model config. */
    public abstract String className();

    /** Declared input shape with batch axis ({@code batch_input_shape}), if given on this layer. */
    public Optional<int[]> batchInputShape() {
        return Optional.ofNullable(batchInputShape).map(int[]::clone);
    }

    /** Whether the declared input holds integer ids (Embedding inputs). */
    public boolean intInput() {
        return intInput;
    }

    public boolean isBuilt() {
        return builtInputShapes != null;
    }

    /**
     * Builds the layer for these input shapes (creating its weights) and returns its output shapes.
     * A second call (a shared layer) must bring compatible shapes.
     */
    public final List<int[]> build(List<int[]> inputShapes) {
        checkArity(inputShapes.size());
        if (builtInputShapes == null) {
            List<int[]> out = outputShapes(inputShapes);
            createWeights(inputShapes);
            builtInputShapes = inputShapes.stream().map(int[]::clone).toList();
            return out;
        }
        for (int i = 0; i < inputShapes.size(); i++) {
            int[] a = builtInputShapes.get(i), b = inputShapes.get(i);
            if (a.length != b.length || !Arrays.equals(Arrays.copyOfRange(a, 1, a.length), Arrays.copyOfRange(b, 1, b.length))) {
                throw new IllegalArgumentException("layer '" + name + "' was built for input " + Tensor.shapeString(a)
                        + " and cannot be called on " + Tensor.shapeString(b));
            }
        }
        return outputShapes(inputShapes);
    }

    public List<int[]> builtInputShapes() {
        if (builtInputShapes == null)
            throw new IllegalStateException("layer '" + name + "' is not built yet");
        return builtInputShapes;
    }

    /** Output shapes for these input shapes; validates them, naming the layer in errors. */
    public abstract List<int[]> outputShapes(List<int[]> inputShapes);

    /** Creates the weights (zeros; models and importers set them). */
    protected void createWeights(List<int[]> inputShapes) {
    }

    protected final Weight addWeight(String weightName, int... shape) {
        Weight w = new Weight(weightName, shape);
        weights.add(w);
        return w;
    }

    protected int minInputs() {
        return 1;
    }

    protected int maxInputs() {
        return 1;
    }

    private void checkArity(int n) {
        if (n < minInputs() || n > maxInputs()) {
            throw new IllegalArgumentException("layer '" + name + "' (" + className() + ") takes "
                    + (minInputs() == maxInputs() ? Integer.toString(minInputs()) : minInputs() + ".." + maxInputs())
                    + " input(s), got " + n);
        }
    }

    /** Forward pass on concrete tensors. {@code training} enables dropout and caching for backward. */
    public abstract LayerCall forward(List<Tensor> inputs, boolean training);

    /**
     * Forward pass with the Keras masks of the inputs ({@code [batch, time]}, 1 = keep; an entry is null for an
     * unmasked input). Layers that consume masks (recurrent layers, Masking) override it; others ignore them.
     */
    public LayerCall forward(List<Tensor> inputs, List<float[]> masks, boolean training) {
        return forward(inputs, training);
    }

    /**
     * The Keras mask of each output (entries null where none) given the inputs and their masks. By default a
     * single-input layer that {@linkplain #propagatesMask() supports masking} passes its input's mask on.
     */
    public List<float[]> computeMask(List<Tensor> inputs, List<float[]> masks) {
        if (propagatesMask() && masks.size() == 1)
            return java.util.Collections.singletonList(masks.get(0));
        return null;
    }

    /** Keras {@code supports_masking} for layers that leave the time axis alone (Dense, Dropout, Activation). */
    protected boolean propagatesMask() {
        return false;
    }

    /**
     * Back-propagates one call: accumulates weight gradients and returns the gradients of the inputs.
     * {@code gradOutputs} has one entry per output; an entry is null for an output that no loss depends on.
     */
    public abstract List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs);

    /** All weights (trainable or not) in Keras {@code get_weights()} order. */
    public final List<Weight> weights() {
        return List.copyOf(weights);
    }

    /** Keras {@code layer.trainable}: when false, fit (and the fine-tuner) leave this layer's weights unchanged. */
    public boolean trainable() {
        return trainable;
    }

    /** Keras {@code layer.trainable = ...}; takes effect at the next training step. */
    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    /** The weights training updates: none when the layer is frozen, else those not marked non-trainable. */
    public final List<Weight> trainableWeights() {
        if (!trainable)
            return List.of();
        return weights.stream().filter(Weight::trainable).toList();
    }

    public final List<Tensor> getWeights() {
        return weights.stream().map(Weight::toTensor).toList();
    }

    /** Sets weights in Keras {@code set_weights()} order, checking count and shapes. */
    public final void setWeights(List<Tensor> values) {
        if (!isBuilt())
            throw new IllegalStateException("layer '" + name + "' is not built yet: add it to a model first");
        if (values.size() != weights.size()) {
            throw new IllegalArgumentException("layer '" + name + "' (" + className() + ") has " + weights.size()
                    + " weights " + weights.stream().map(Weight::name).toList() + " but got " + values.size());
        }
        for (int i = 0; i < values.size(); i++)
            weights.get(i).set(values.get(i), name);
    }

    public final long countParams() {
        long n = 0;
        for (Weight w : weights)
            n += w.size();
        return n;
    }

    /** Clears recurrent state (stateful layers). */
    public void resetStates() {
    }

    /** Keras-style config: {@code name} and the keys that define this layer. */
    public ObjectNode getConfig() {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("name", name);
        if (!trainable)
            c.put("trainable", false);
        if (batchInputShape != null) {
            var arr = c.putArray("batch_input_shape");
            for (int d : batchInputShape) {
                if (d < 0)
                    arr.addNull();
                else
                    arr.add(d);
            }
            if (intInput)
                c.put("dtype", "int32");
        }
        return c;
    }

    // Wiring for the functional API.
    public KerasTensor apply(KerasTensor... inputs) {
        List<KerasTensor> outs = applyAll(inputs);
        return outs.get(0);
    }

    public List<KerasTensor> applyAll(KerasTensor... inputs) {
        return KerasTensor.call(this, List.of(inputs));
    }

    public List<KerasTensor.Node> inboundNodes() {
        return List.copyOf(inboundNodes);
    }

    public void addInboundNode(KerasTensor.Node node) {
        inboundNodes.add(node);
    }

    protected IllegalArgumentException error(String msg) {
        return new IllegalArgumentException("layer '" + name + "' (" + className() + "): " + msg);
    }

    @Override
    public String toString() {
        return className() + "('" + name + "')";
    }

    /** Options common to every layer: name and (for a model's first layer) the input shape. */
    public abstract static class Builder<B extends Builder<B>> {
        String name;
        int[] batchInputShape;
        boolean intInput;
        Long seed;
        boolean trainable = true;

        /** Keras {@code trainable}: false freezes the layer's weights in fit. */
        public B trainable(boolean trainable) {
            this.trainable = trainable;
            return self();
        }

        /** Seed for the initial weights (Keras initialisers), for reproducible models. */
        public B seed(long seed) {
            this.seed = seed;
            return self();
        }

        @SuppressWarnings("unchecked")
        protected B self() {
            return (B) this;
        }

        public B name(String name) {
            if (name == null || name.isBlank())
                throw new IllegalArgumentException("layer name must not be blank");
            this.name = name;
            return self();
        }

        /** Keras {@code input_shape}: the shape of one sample (no batch axis). */
        public B inputShape(int... shape) {
            int[] s = new int[shape.length + 1];
            s[0] = -1;
            System.arraycopy(shape, 0, s, 1, shape.length);
            this.batchInputShape = s;
            return self();
        }

        /** Keras {@code batch_input_shape}: with a fixed batch size, needed by stateful RNNs. */
        public B batchInputShape(int... shape) {
            this.batchInputShape = shape.clone();
            return self();
        }

        /** Marks the declared input as integer ids. */
        public B intInput(boolean intInput) {
            this.intInput = intInput;
            return self();
        }
    }
}
