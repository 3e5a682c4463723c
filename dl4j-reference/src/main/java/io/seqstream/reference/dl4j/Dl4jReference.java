package io.seqstream.reference.dl4j;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.SimpleRNNCell;
import io.seqstream.model.ops.ActivationFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The same sequential model as a Deeplearning4j {@link MultiLayerNetwork}, with the same weights: the
 * reference the stepper is checked against and the naive baseline it is measured against
 * ({@code rnnTimeStep} with each batch's states set through {@code rnnSetPreviousState}).
 *
 * <p>Supported chain: [Embedding] -> LSTM/SimpleRNN (one or more) -> Dense (last). DL4J's LSTM gate
 * blocks are ordered c, f, o, i where Keras has i, f, c, o; the weights are re-ordered here.
 */
public final class Dl4jReference {
    private final MultiLayerNetwork net;
    private final List<Integer> recurrentLayers;
    private final List<Boolean> lstm;
    private final boolean tokenInput;

    private Dl4jReference(MultiLayerNetwork net, List<Integer> recurrentLayers, List<Boolean> lstm, boolean tokenInput) {
        this.net = net;
        this.recurrentLayers = recurrentLayers;
        this.lstm = lstm;
        this.tokenInput = tokenInput;
    }

    public MultiLayerNetwork network() {
        return net;
    }

    public static Dl4jReference of(Model model) {
        List<Layer> layers = new ArrayList<>();
        for (Layer l : model.layers())
            if (!(l instanceof Dropout))
                layers.add(l);
        var list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).seed(1).list();
        List<INDArray[]> params = new ArrayList<>();
        List<Integer> rec = new ArrayList<>();
        List<Boolean> isLstm = new ArrayList<>();
        boolean tokens = false;
        int idx = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            boolean last = i == layers.size() - 1;
            List<Tensor> w = l.getWeights();
            if (l instanceof Embedding e && i == 0) {
                tokens = true;
                list.layer(new EmbeddingSequenceLayer.Builder().nIn(e.inputDim()).nOut(e.outputDim()).hasBias(false).build());
                params.add(new INDArray[]{ arr(w.get(0)) });
            } else if (l instanceof RNN r && !r.goBackwards() && r.cell() instanceof LSTMCell c) {
                int u = c.units();
                list.layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(c.inputDim()).nOut(u)
                        .activation(act(c.activation(), l)).gateActivationFunction(act(c.recurrentActivation(), l)).build());
                float[] b = w.size() > 2 ? w.get(2).data() : new float[4 * u];
                params.add(new INDArray[]{
                        arr(reorder(w.get(0).data(), c.inputDim(), u), c.inputDim(), 4 * u), arr(reorder(w.get(1).data(), u, u), u, 4 * u),
                        Nd4j.create(reorder(b, 1, u), 1, 4 * u) });
                rec.add(idx);
                isLstm.add(true);
            } else if (l instanceof RNN r && !r.goBackwards() && r.cell() instanceof SimpleRNNCell c) {
                int u = c.units();
                list.layer(new SimpleRnn.Builder().nIn(c.inputDim()).nOut(u).activation(act(c.activation(), l)).build());
                float[] b = w.size() > 2 ? w.get(2).data() : new float[u];
                params.add(new INDArray[]{ arr(w.get(0)), arr(w.get(1)), Nd4j.create(b, 1, u) });
                rec.add(idx);
                isLstm.add(false);
            } else if (l instanceof Dense d && last) {
                var lossFn = d.activation() == ActivationFunction.SOFTMAX
                        ? LossFunctions.LossFunction.MCXENT
                        : LossFunctions.LossFunction.MSE;
                list.layer(
                        new RnnOutputLayer.Builder(lossFn).nIn(w.get(0).dim(0)).nOut(d.units()).activation(act(d.activation(), l)).build());
                float[] b = w.size() > 1 ? w.get(1).data() : new float[d.units()];
                params.add(new INDArray[]{ arr(w.get(0)), Nd4j.create(b, 1, d.units()) });
            } else {
                throw new IllegalArgumentException("layer '" + l.name() + "' (" + l.className()
                        + ") has no DL4J reference here; supported: [Embedding] -> LSTM/SimpleRNN... -> Dense (last)");
            }
            idx++;
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        for (int i = 0; i < params.size(); i++) {
            Map<String, INDArray> table = net.getLayer(i).paramTable();
            String[] keys = table.keySet().toArray(String[]::new);
            INDArray[] p = params.get(i);
            if (keys.length != p.length)
                throw new IllegalStateException("DL4J layer " + i + " has params " + table.keySet());
            for (int k = 0; k < keys.length; k++)
                net.getLayer(i).setParam(keys[k], p[k].reshape(table.get(keys[k]).shape()));
        }
        return new Dl4jReference(net, rec, isLstm, tokens);
    }

    private static INDArray arr(Tensor t) {
        return Nd4j.create(t.toArray(), new long[]{ t.dim(0), t.dim(1) }, 'c');
    }

    private static INDArray arr(float[] d, int rows, int cols) {
        return Nd4j.create(d, new long[]{ rows, cols }, 'c');
    }

    /** Keras column blocks i, f, c, o to DL4J's c, f, o, i, for a [rows, 4u] matrix. */
    static float[] reorder(float[] w, int rows, int u) {
        float[] r = new float[w.length];
        int[] from = { 2, 1, 3, 0 }; // DL4J block b takes Keras block from[b]
        for (int i = 0; i < rows; i++) {
            for (int b = 0; b < 4; b++)
                System.arraycopy(w, i * 4 * u + from[b] * u, r, i * 4 * u + b * u, u);
        }
        return r;
    }

    private static Activation act(ActivationFunction f, Layer l) {
        return switch (f) {
            case LINEAR -> Activation.IDENTITY;
            case RELU -> Activation.RELU;
            case SIGMOID -> Activation.SIGMOID;
            case TANH -> Activation.TANH;
            case SOFTMAX -> Activation.SOFTMAX;
            case HARD_SIGMOID -> Activation.HARDSIGMOID;
            case HARD_SIGMOID_KERAS3 -> throw new IllegalArgumentException("layer '" + l.name() + "': DL4J has no Keras 3 hard_sigmoid");
        };
    }

    /**
     * One step for a batch of keys through {@code rnnTimeStep}, states set with {@code rnnSetPreviousState}
     * and read back after: the naive way to step many keys with DL4J. States use the stepper's packing.
     */
    public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
        if (!tokenInput)
            throw new IllegalStateException("model takes feature vectors");
        INDArray in = Nd4j.create(DataType.FLOAT, n, 1);
        for (int i = 0; i < n; i++)
            in.putScalar(i, 0, tokens[i]);
        step(states, in, n, outputs);
    }

    public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
        int f = features[0].length;
        INDArray in = Nd4j.create(DataType.FLOAT, n, f, 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++)
                in.putScalar(new long[]{ i, j, 0 }, features[i][j]);
        step(states, in, n, outputs);
    }

    private void step(float[][] states, INDArray in, int n, float[][] outputs) {
        int off = 0;
        for (int r = 0; r < recurrentLayers.size(); r++) {
            int layer = recurrentLayers.get(r);
            int u = (int) net.getLayer(layer).getParam("RW").size(0);
            INDArray h = Nd4j.create(DataType.FLOAT, n, u);
            INDArray c = Nd4j.create(DataType.FLOAT, n, u);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < u; j++) {
                    h.putScalar(i, j, states[i][off + j]);
                    if (lstm.get(r))
                        c.putScalar(i, j, states[i][off + u + j]);
                }
            }
            Map<String, INDArray> st = new java.util.HashMap<>();
            if (lstm.get(r)) {
                st.put("prevAct", h);
                st.put("prevMem", c);
            } else {
                st.put("prevAct", h);
            }
            net.rnnSetPreviousState(layer, st);
            off += lstm.get(r) ? 2 * u : u;
        }
        INDArray out = net.rnnTimeStep(in);
        off = 0;
        for (int r = 0; r < recurrentLayers.size(); r++) {
            int layer = recurrentLayers.get(r);
            Map<String, INDArray> st = net.rnnGetPreviousState(layer);
            INDArray h = st.get("prevAct");
            INDArray c = st.get("prevMem");
            int u = (int) h.size(1);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < u; j++) {
                    states[i][off + j] = h.getFloat(i, j);
                    if (lstm.get(r))
                        states[i][off + u + j] = c.getFloat(i, j);
                }
            }
            off += lstm.get(r) ? 2 * u : u;
        }
        INDArray o2 = out.rank() == 3 ? out.reshape(out.size(0), out.size(1)) : out;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < o2.size(1); j++)
                outputs[i][j] = o2.getFloat(i, j);
    }
}
