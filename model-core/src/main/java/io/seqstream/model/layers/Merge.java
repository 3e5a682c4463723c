package io.seqstream.model.layers;

import io.seqstream.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras' element-wise merge layers ({@code Add, Subtract, Multiply, Average, Maximum, Minimum}): all
 * inputs have the same shape, and so does the output.
 */
public final class Merge extends Layer {
    /** The merge operation; its name is the Keras class name. */
    public enum Op {
        ADD("Add"), SUBTRACT("Subtract"), MULTIPLY("Multiply"), AVERAGE("Average"), MAXIMUM("Maximum"), MINIMUM("Minimum");

        final String kerasName;

        Op(String kerasName) {
            this.kerasName = kerasName;
        }

        public String kerasName() {
            return kerasName;
        }

        public static java.util.Optional<Op> ofKerasName(String n) {
            return Arrays.stream(values()).filter(o -> o.kerasName.equals(n)).findFirst();
        }
    }

    private final Op op;

    private Merge(Builder b) {
        super(b, toSnake(b.op.kerasName));
        this.op = b.op;
    }

    private static String toSnake(String s) {
        return s.toLowerCase(java.util.Locale.ROOT);
    }

    public static Builder builder(Op op) {
        return new Builder(op);
    }

    public static Merge add() {
        return builder(Op.ADD).build();
    }

    public static Merge subtract() {
        return builder(Op.SUBTRACT).build();
    }

    public static Merge multiply() {
        return builder(Op.MULTIPLY).build();
    }

    public static Merge average() {
        return builder(Op.AVERAGE).build();
    }

    public static Merge maximum() {
        return builder(Op.MAXIMUM).build();
    }

    public static Merge minimum() {
        return builder(Op.MINIMUM).build();
    }

    public Op op() {
        return op;
    }

    @Override
    public String className() {
        return op.kerasName;
    }

    @Override
    protected int minInputs() {
        return op == Op.SUBTRACT ? 2 : 1;
    }

    @Override
    protected int maxInputs() {
        return op == Op.SUBTRACT ? 2 : Integer.MAX_VALUE;
    }

    @Override
    public List<int[]> outputShapes(List<int[]> in) {
        int[] s = in.get(0);
        for (int i = 1; i < in.size(); i++) {
            int[] o = in.get(i);
            if (!Arrays.equals(Arrays.copyOfRange(s, 1, s.length), Arrays.copyOfRange(o, 1, o.length))) {
                throw error("all inputs must have the same shape; input 0 is " + Tensor.shapeString(s) + ", input " + i
                        + " is " + Tensor.shapeString(o));
            }
        }
        return List.of(s.clone());
    }

    @Override
    public LayerCall forward(List<Tensor> inputs, boolean training) {
        Tensor first = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            if (!Arrays.equals(inputs.get(i).shape(), first.shape())) {
                throw error("input " + i + " has shape " + inputs.get(i).shapeString() + " but input 0 has " + first.shapeString());
            }
        }
        float[] y = first.toArray();
        for (int i = 1; i < inputs.size(); i++) {
            float[] x = inputs.get(i).data();
            for (int j = 0; j < y.length; j++) {
                y[j] = switch (op) {
                    case ADD, AVERAGE -> y[j] + x[j];
                    case SUBTRACT -> y[j] - x[j];
                    case MULTIPLY -> y[j] * x[j];
                    case MAXIMUM -> Math.max(y[j], x[j]);
                    case MINIMUM -> Math.min(y[j], x[j]);
                };
            }
        }
        if (op == Op.AVERAGE) {
            float inv = 1f / inputs.size();
            for (int j = 0; j < y.length; j++)
                y[j] *= inv;
        }
        return new LayerCall(inputs, List.of(Tensor.wrap(y, first.shape())), null);
    }

    @Override
    public List<Tensor> backward(LayerCall call, List<Tensor> gradOutputs) {
        float[] dy = gradOutputs.get(0).data();
        float[] y = call.output().data();
        List<Tensor> ins = call.inputs();
        int n = ins.size();
        List<Tensor> grads = new ArrayList<>();
        boolean[] taken = new boolean[dy.length]; // max/min: the first input that attains the extreme gets it
        for (int i = 0; i < n; i++) {
            float[] x = ins.get(i).data();
            float[] dx = new float[dy.length];
            for (int j = 0; j < dy.length; j++) {
                dx[j] = switch (op) {
                    case ADD -> dy[j];
                    case AVERAGE -> dy[j] / n;
                    case SUBTRACT -> i == 0 ? dy[j] : -dy[j];
                    case MULTIPLY -> {
                        float p = dy[j];
                        for (int k = 0; k < n; k++)
                            if (k != i)
                                p *= ins.get(k).data()[j];
                        yield p;
                    }
                    case MAXIMUM, MINIMUM -> {
                        if (!taken[j] && x[j] == y[j]) {
                            taken[j] = true;
                            yield dy[j];
                        }
                        yield 0f;
                    }
                };
            }
            grads.add(Tensor.wrap(dx, ins.get(i).shape()));
        }
        return grads;
    }

    public static final class Builder extends Layer.Builder<Builder> {
        private final Op op;

        Builder(Op op) {
            this.op = op;
        }

        public Merge build() {
            return new Merge(this);
        }
    }
}
