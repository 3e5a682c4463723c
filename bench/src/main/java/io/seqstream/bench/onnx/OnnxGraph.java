package io.seqstream.bench.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds an ONNX model file (ModelProto, IR 8, default-domain opset 17) node by node. Field numbers are those of
 * onnx.proto; tensors are stored as little-endian raw data. Dimensions given as -1 become the symbolic batch
 * dimension {@code B}.
 */
final class OnnxGraph {
    static final int IR_VERSION = 8;
    static final int OPSET = 17;
    static final int FLOAT = 1;
    static final int INT64 = 7;
    private static final int ATTRIBUTE_INT = 2;

    private final Proto graph = new Proto();

    OnnxGraph(String name) {
        graph.string(2, name);
    }

    OnnxGraph input(String name, int elemType, long... dims) {
        graph.message(11, valueInfo(name, elemType, dims));
        return this;
    }

    OnnxGraph output(String name, int elemType, long... dims) {
        graph.message(12, valueInfo(name, elemType, dims));
        return this;
    }

    OnnxGraph floats(String name, float[] data, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return initializer(name, FLOAT, b.array(), dims);
    }

    OnnxGraph longs(String name, long[] data, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return initializer(name, INT64, b.array(), dims);
    }

    /** A node; {@code intAttributes} alternate name and value. An empty input name is ONNX's omitted optional input. */
    OnnxGraph node(String opType, String[] inputs, String[] outputs, Object... intAttributes) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        for (String out : outputs) {
            n.string(2, out);
        }
        n.string(3, opType + "_" + outputs[outputs.length - 1]);
        n.string(4, opType);
        for (int i = 0; i < intAttributes.length; i += 2) {
            n.message(5, new Proto().string(1, (String) intAttributes[i]).varint(3, ((Number) intAttributes[i + 1]).longValue())
                    .varint(20, ATTRIBUTE_INT));
        }
        graph.message(1, n);
        return this;
    }

    byte[] toModelBytes() {
        return new Proto().varint(1, IR_VERSION).string(2, "seqstream-bench").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, OPSET)).toByteArray();
    }

    private OnnxGraph initializer(String name, int elemType, byte[] raw, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, elemType).string(8, name).bytes(9, raw);
        graph.message(5, t);
        return this;
    }

    private static Proto valueInfo(String name, int elemType, long... dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, d < 0 ? new Proto().string(2, "B") : new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, elemType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }
}
