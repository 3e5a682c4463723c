package io.seqstream.apps.bench;

import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.model.Model;
import io.seqstream.reference.dl4j.Dl4jReference;
import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The benchmark's comparison engine: the same {@code Embedding -> LSTM -> Dense(softmax)} model as a
 * Deeplearning4j network, stepping each event alone with {@code rnnTimeStep}, the key's state set with
 * {@code rnnSetPreviousState} before and read back after. This is how a per-key recurrent model is
 * usually served with DL4J; the micro-batching operator around it is unchanged.
 */
public final class Dl4jBackend extends TokenLstmBackend {
    private static final long serialVersionUID = 1L;
    static final int LSTM_LAYER = 1;

    public Dl4jBackend(Model model) {
        super(model, "DL4J");
    }

    @Override
    public String description() {
        return "DL4J rnnTimeStep, one event per call: " + shape();
    }

    @Override
    public BatchStepper open(int maxBatch) {
        // The one Keras -> DL4J converter (weights, gate order), shared with the tests and the JMH engines.
        MultiLayerNetwork net = Dl4jReference.of(model()).network();
        return new PerEventStepper(net, maxBatch, units, outputs);
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
