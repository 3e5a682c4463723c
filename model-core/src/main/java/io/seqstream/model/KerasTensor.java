package io.seqstream.model;

import io.seqstream.model.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * A symbolic tensor of the functional API: the {@code index}-th output of one call (node) of a layer.
 * It carries the static shape (batch axis first, -1 when unknown) and no values.
 */
public final class KerasTensor {
    private final Node node;
    private final int index;
    private final int[] shape;

    KerasTensor(Node node, int index, int[] shape) {
        this.node = node;
        this.index = index;
        this.shape = shape.clone();
    }

    public Node node() {
        return node;
    }

    public int index() {
        return index;
    }

    public int[] shape() {
        return shape.clone();
    }

    /** Keras' name for this tensor: {@code layer:node:index}. */
    public String ref() {
        return node.layer().name() + ":" + node.nodeIndex() + ":" + index;
    }

    @Override
    public String toString() {
        return "KerasTensor(" + ref() + ", shape=" + Tensor.shapeString(shape) + ")";
    }

    /** Calls a layer on symbolic inputs: builds it if needed and records a new node. */
    public static List<KerasTensor> call(Layer layer, List<KerasTensor> inputs) {
        List<int[]> shapes = inputs.stream().map(KerasTensor::shape).toList();
        List<int[]> outShapes = layer.build(shapes);
        Node node = new Node(layer, layer.inboundNodes().size(), inputs);
        List<KerasTensor> outs = new ArrayList<>();
        for (int i = 0; i < outShapes.size(); i++)
            outs.add(new KerasTensor(node, i, outShapes.get(i)));
        node.outputs = List.copyOf(outs);
        layer.addInboundNode(node);
        return outs;
    }

    /** One call of a layer: its input tensors and output tensors. */
    public static final class Node {
        private final Layer layer;
        private final int nodeIndex;
        private final List<KerasTensor> inputs;
        private List<KerasTensor> outputs = List.of();

        Node(Layer layer, int nodeIndex, List<KerasTensor> inputs) {
            this.layer = layer;
            this.nodeIndex = nodeIndex;
            this.inputs = List.copyOf(inputs);
        }

        public Layer layer() {
            return layer;
        }

        public int nodeIndex() {
            return nodeIndex;
        }

        public List<KerasTensor> inputs() {
            return inputs;
        }

        public List<KerasTensor> outputs() {
            return outputs;
        }
    }
}
