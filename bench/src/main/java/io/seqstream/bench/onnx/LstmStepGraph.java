package io.seqstream.bench.onnx;

import io.seqstream.model.Model;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.Weight;
import java.util.List;

/**
 * One time step of an {@code Embedding -> LSTM -> Dense(softmax)} model as an ONNX graph, for B keys whose state
 * is carried outside it: what a user exporting the model for ONNX Runtime would serve. Inputs {@code token} int64
 * [B], {@code h}, {@code c} float [B,H]; outputs {@code probs} [B,O], {@code h_out}, {@code c_out} [B,H]. Inside:
 * Gather (embedding), ONNX's {@code LSTM} op over a sequence of one, MatMul + Add + Softmax, the layout of the
 * shared ONNX Runtime peer files.
 */
public final class LstmStepGraph {
    /** ONNX's LSTM gates are i, o, f, c; Keras' are i, f, c, o: the Keras gate of each ONNX gate. */
    private static final int[] KERAS_GATE = { 0, 3, 1, 2 };

    private LstmStepGraph() {
    }

    /** Refuses a model the graph cannot express: another layer stack or other activations. */
    public static void requireSupported(Model model) {
        List<Layer> layers = model.layers();
        if (layers.size() != 3 || !(layers.get(0) instanceof Embedding) || !(layers.get(1) instanceof LSTM lstm)
                || !(layers.get(2) instanceof Dense dense)) {
            throw new IllegalArgumentException("the ONNX step graph takes Embedding -> LSTM -> Dense only, got " + layers);
        }
        require(lstm, "activation", lstm.cell().activation().kerasName(), "tanh");
        require(lstm, "recurrent_activation", lstm.cell().recurrentActivation().kerasName(), "sigmoid");
        require(dense, "activation", dense.activation().kerasName(), "softmax");
    }

    /** The model's weights as an ONNX step graph ({@link #requireSupported} first). */
    public static byte[] of(Model model) {
        requireSupported(model);
        Embedding emb = (Embedding) model.layers().get(0);
        LSTM lstm = (LSTM) model.layers().get(1);
        Dense dense = (Dense) model.layers().get(2);
        LSTMCell cell = lstm.cell();
        int vocab = emb.inputDim();
        int e = emb.outputDim();
        int h = lstm.units();
        int o = dense.units();
        float[] kernel = cell.kernel().values(); // [E, 4H], gates i, f, c, o
        float[] rec = cell.recurrentKernel().values(); // [H, 4H]
        float[] bias = cell.bias().map(Weight::values).orElse(new float[4 * h]);
        float[] denseBias = dense.useBias() ? dense.getWeights().get(1).data() : new float[o];

        OnnxGraph g = new OnnxGraph("seqstream_lstm_step")
                .input("token", OnnxGraph.INT64, -1)
                .input("h", OnnxGraph.FLOAT, -1, h)
                .input("c", OnnxGraph.FLOAT, -1, h)
                .output("probs", OnnxGraph.FLOAT, -1, o)
                .output("h_out", OnnxGraph.FLOAT, -1, h)
                .output("c_out", OnnxGraph.FLOAT, -1, h)
                .floats("emb", emb.getWeights().get(0).data(), vocab, e)
                .floats("W", gateRows(kernel, e, h), 1, 4L * h, e)
                .floats("R", gateRows(rec, h, h), 1, 4L * h, h)
                .floats("B", biases(bias, h), 1, 8L * h)
                .floats("dk", dense.getWeights().get(0).data(), h, o)
                .floats("db", denseBias, o)
                .longs("axis0", new long[]{ 0 }, 1)
                .node("Gather", new String[]{ "emb", "token" }, new String[]{ "x" }, "axis", 0)
                .node("Unsqueeze", new String[]{ "x", "axis0" }, new String[]{ "x_seq" })
                .node("Unsqueeze", new String[]{ "h", "axis0" }, new String[]{ "h0" })
                .node("Unsqueeze", new String[]{ "c", "axis0" }, new String[]{ "c0" })
                .node("LSTM", new String[]{ "x_seq", "W", "R", "B", "", "h0", "c0" }, new String[]{ "", "y_h", "y_c" }, "hidden_size", h)
                .node("Squeeze", new String[]{ "y_h", "axis0" }, new String[]{ "h_out" })
                .node("Squeeze", new String[]{ "y_c", "axis0" }, new String[]{ "c_out" })
                .node("MatMul", new String[]{ "h_out", "dk" }, new String[]{ "logits0" })
                .node("Add", new String[]{ "logits0", "db" }, new String[]{ "logits" })
                .node("Softmax", new String[]{ "logits" }, new String[]{ "probs" }, "axis", -1);
        return g.toModelBytes();
    }

    /** Keras [in, 4H] (gates i, f, c, o along columns) to ONNX [4H, in] (gates i, o, f, c along rows). */
    static float[] gateRows(float[] keras, int in, int h) {
        float[] onnx = new float[4 * h * in];
        for (int gate = 0; gate < 4; gate++) {
            int kerasCol = KERAS_GATE[gate] * h;
            for (int j = 0; j < h; j++) {
                int row = (gate * h + j) * in;
                for (int k = 0; k < in; k++) {
                    onnx[row + k] = keras[k * 4 * h + kerasCol + j];
                }
            }
        }
        return onnx;
    }

    /** Keras' one bias [4H] as ONNX's input bias in ONNX gate order, then a zero recurrent bias. */
    private static float[] biases(float[] keras, int h) {
        float[] b = new float[8 * h];
        for (int gate = 0; gate < 4; gate++) {
            System.arraycopy(keras, KERAS_GATE[gate] * h, b, gate * h, h);
        }
        return b;
    }

    private static void require(Layer layer, String what, String got, String expected) {
        if (!got.equals(expected)) {
            throw new IllegalArgumentException("the ONNX step graph takes " + what + "=" + expected + " only; layer '" + layer.name()
                    + "' has " + got);
        }
    }
}
