package io.seqstream.model;

import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras {@code Sequential}: a chain of layers. The input shape comes from {@link #input}, from the first
 * layer's {@code inputShape}/{@code batchInputShape}, or else from the first data the model sees.
 */
public final class Sequential extends Model {
    private final List<Layer> stack = new ArrayList<>();
    private int[] inputShape;
    private boolean intInput;
    private String inputDtype;
    private String inputName;
    private KerasTensor input;
    private KerasTensor last;

    public Sequential() {
        this("sequential");
    }

    public Sequential(String name) {
        super(name);
    }

    public Sequential(Layer... layers) {
        this();
        for (Layer l : layers)
            add(l);
    }

    /** Declares the input (Keras {@code Input(batch_shape=...)} as first element); -1 = any batch size. */
    public Sequential input(String name, int[] batchShape, boolean intDtype) {
        return input(name, batchShape, intDtype ? "int32" : "float32");
    }

    /** Declares the input with a dtype: int32, float32 or string. */
    public Sequential input(String name, int[] batchShape, String dtype) {
        boolean intDtype = !dtype.equals("float32");
        this.inputDtype = dtype;
        if (input != null)
            throw new IllegalStateException("model '" + name() + "' already has its input");
        this.inputName = name;
        this.inputShape = batchShape.clone();
        this.intInput = intDtype;
        tryBuild();
        return this;
    }

    public Sequential add(Layer layer) {
        if (stack.contains(layer))
            throw new IllegalArgumentException("layer '" + layer.name() + "' is already in model '" + name() + "'");
        stack.add(layer);
        if (input == null) {
            if (stack.size() == 1 && inputShape == null && layer.batchInputShape().isPresent()) {
                inputShape = layer.batchInputShape().get();
                intInput = layer.intInput();
            }
            tryBuild();
        } else {
            last = layer.apply(last);
            init(List.of(input), List.of(last));
        }
        return this;
    }

    private void tryBuild() {
        if (inputShape == null || stack.isEmpty())
            return;
        input = Input.create(inputName, inputShape, inputDtype != null ? inputDtype : intInput ? "int32" : "float32");
        KerasTensor t = input;
        for (Layer l : stack)
            t = l.apply(t);
        last = t;
        init(List.of(input), List.of(last));
    }

    @Override
    protected void ensureBuilt(List<Tensor> sample) {
        if (input != null)
            return;
        if (stack.isEmpty())
            throw new IllegalStateException("model '" + name() + "' has no layers");
        if (sample.size() != 1)
            throw new IllegalArgumentException("a Sequential model takes one input, got " + sample.size());
        int[] s = sample.get(0).shape();
        s[0] = -1;
        inputShape = s;
        intInput = stack.get(0) instanceof Embedding;
        tryBuild();
    }

    /** Whether the input shape is known (so weights exist). */
    public boolean isBuilt() {
        return input != null;
    }

    /** Builds for a sample shape without batch axis, like Keras {@code model.build((None, ...))}. */
    public Sequential build(int... sampleShape) {
        if (input == null) {
            inputShape = Input.withBatch(-1, sampleShape);
            intInput = !stack.isEmpty() && stack.get(0) instanceof Embedding;
            tryBuild();
        }
        return this;
    }

    @Override
    public List<io.seqstream.model.layers.Weight> weights() {
        requireWeights();
        return super.weights();
    }

    @Override
    public List<io.seqstream.model.layers.Weight> trainableWeights() {
        requireWeights();
        return super.trainableWeights();
    }

    private void requireWeights() {
        if (input == null) {
            throw new IllegalStateException("model '" + name() + "' has no weights yet: its input shape is unknown; give the first layer"
                    + " inputShape(...), call build(...), or run it on data first");
        }
    }

    @Override
    public List<Layer> layers() {
        return input == null ? List.copyOf(stack) : super.layers();
    }
}
