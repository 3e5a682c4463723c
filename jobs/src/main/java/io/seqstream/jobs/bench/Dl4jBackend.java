package io.seqstream.jobs.bench;

import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Layer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The benchmark's comparison engine: the same {@code Embedding -> LSTM -> Dense(softmax)} model as a
 * Deeplearning4j network, stepping each event alone with {@code rnnTimeStep}, the key's state set with
 * {@code rnnSetPreviousState} before and read back after. This is how a per-key recurrent model is
 * usually served with DL4J; the micro-batching operator around it is unchanged.
 */
public final class Dl4jBackend implements ModelBackend {
    private static final long serialVersionUID = 1L;
    static final int LSTM_LAYER = 1;
    // DL4J's LSTM gate blocks are (block input c, forget f, output o, input i); Keras' are (i, f, c, o).
    private static final int[] DL4J_BLOCK_OF_KERAS_GATE = {3, 1, 0, 2};

    private final byte[] modelBytes;
    private final int vocab;
    private final int embedding;
    private final int units;
    private final int outputs;

    public Dl4jBackend(Model model) {
        List<Layer> layers = model.layers();
        if (layers.size() != 3 || !(layers.get(0) instanceof Embedding e) || !(layers.get(1) instanceof LSTM l)
                || !(layers.get(2) instanceof Dense d)) {
            throw new ModelLoadException("the DL4J benchmark engine takes Embedding -> LSTM -> Dense only, got " + layers);
        }
        this.modelBytes = ModelFile.toBytes(model);
        this.vocab = e.inputDim();
        this.embedding = e.outputDim();
        this.units = l.units();
        this.outputs = d.units();
    }

    @Override
    public InputSpec inputSpec() {
        return InputSpec.tokens(vocab);
    }

    @Override
    public int stateSize() {
        return 2 * units;
    }

    @Override
    public int outputSize() {
        return outputs;
    }

    @Override
    public long version() {
        return 0;
    }

    @Override
    public String description() {
        return "DL4J rnnTimeStep, one event per call: Embedding(" + vocab + "," + embedding + ") -> LSTM(" + units + ") -> Dense(" + outputs + ")";
    }

    @Override
    public BatchStepper open(int maxBatch) {
        MultiLayerNetwork net = network(ModelFile.fromBytes(modelBytes, "benchmark model"));
        return new PerEventStepper(net, maxBatch, units, outputs);
    }

    MultiLayerNetwork network(Model model) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER) // overwritten below; never DL4J's orthogonal init (see STACK.md)
                .list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(embedding).hasBias(false).build())
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(embedding).nOut(units)
                        .activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(units).nOut(outputs)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<Tensor> w = model.getWeights(); // Keras order: embeddings; kernel, recurrent kernel, bias; kernel, bias
        net.getLayer(0).setParam("W", matrix(w.get(0).data(), vocab, embedding));
        net.getLayer(1).setParam("W", matrix(gatesToDl4j(w.get(1).data(), embedding), embedding, 4 * units));
        net.getLayer(1).setParam("RW", matrix(gatesToDl4j(w.get(2).data(), units), units, 4 * units));
        net.getLayer(1).setParam("b", matrix(gatesToDl4j(w.get(3).data(), 1), 1, 4 * units));
        net.getLayer(2).setParam("W", matrix(w.get(4).data(), units, outputs));
        net.getLayer(2).setParam("b", matrix(w.get(5).data(), 1, outputs));
        return net;
    }

    private float[] gatesToDl4j(float[] keras, int rows) {
        int g = 4 * units;
        float[] out = new float[keras.length];
        for (int r = 0; r < rows; r++) {
            for (int gate = 0; gate < 4; gate++) {
                System.arraycopy(keras, r * g + gate * units, out, r * g + DL4J_BLOCK_OF_KERAS_GATE[gate] * units, units);
            }
        }
        return out;
    }

    private static INDArray matrix(float[] data, int rows, int cols) {
        return Nd4j.create(data, new long[] {rows, cols}, 'c');
    }

    /** Steps row by row: set the key's state, one rnnTimeStep, read output and state back. */
    static final class PerEventStepper implements BatchStepper {
        private final MultiLayerNetwork net;
        private final int maxBatch;
        private final int units;
        private final int outputs;
        private final INDArray input = Nd4j.zeros(DataType.FLOAT, 1, 1, 1);
        private final INDArray h;
        private final INDArray c;
        private final float[] hBuf;
        private final float[] cBuf;

        PerEventStepper(MultiLayerNetwork net, int maxBatch, int units, int outputs) {
            this.net = net;
            this.maxBatch = maxBatch;
            this.units = units;
            this.outputs = outputs;
            this.h = Nd4j.zeros(DataType.FLOAT, 1, units);
            this.c = Nd4j.zeros(DataType.FLOAT, 1, units);
            this.hBuf = new float[units];
            this.cBuf = new float[units];
        }

        @Override
        public int maxBatch() {
            return maxBatch;
        }

        @Override
        public void stepTokens(float[][] states, int[] tokens, int n, float[][] out) {
            for (int i = 0; i < n; i++) {
                float[] s = states[i];
                System.arraycopy(s, 0, hBuf, 0, units);
                System.arraycopy(s, units, cBuf, 0, units);
                Map<String, INDArray> prev = new HashMap<>();
                prev.put("prevAct", h.assign(Nd4j.createFromArray(hBuf).reshape(1, units)));
                prev.put("prevMem", c.assign(Nd4j.createFromArray(cBuf).reshape(1, units)));
                net.rnnSetPreviousState(LSTM_LAYER, prev);
                input.putScalar(0, tokens[i]);
                INDArray y = net.rnnTimeStep(input);
                float[] yv = y.reshape(outputs).toFloatVector();
                System.arraycopy(yv, 0, out[i], 0, outputs);
                Map<String, INDArray> next = net.rnnGetPreviousState(LSTM_LAYER);
                System.arraycopy(next.get("prevAct").reshape(units).toFloatVector(), 0, s, 0, units);
                System.arraycopy(next.get("prevMem").reshape(units).toFloatVector(), 0, s, units, units);
            }
        }

        @Override
        public void stepFeatures(float[][] states, float[][] features, int n, float[][] out) {
            throw new UnsupportedOperationException("the DL4J benchmark engine takes token ids");
        }
    }
}
