package io.seqstream.bench.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.seqstream.apps.bench.TokenLstmBackend;
import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.model.Model;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The end-to-end benchmark's ONNX Runtime engine: the job's micro-batching operator stepping each micro-batch
 * through ONNX Runtime's Java API, the keys' states carried in Flink state as with the shipped stepper. The model
 * is exported to an ONNX step graph ({@link LstmStepGraph}) when the operator opens; one intra-op thread, as the
 * step benchmark's {@code onnx} engine runs it.
 */
public final class OnnxBackend extends TokenLstmBackend {
    private static final long serialVersionUID = 1L;

    public OnnxBackend(Model model) {
        super(model, "ONNX Runtime");
        LstmStepGraph.requireSupported(model); // an activation the graph cannot take fails now, not when the job opens
    }

    @Override
    public String description() {
        return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + ", one intra-op thread, a micro-batch per call: " + shape();
    }

    @Override
    public BatchStepper open(int maxBatch) {
        return new Stepper(LstmStepGraph.of(model()), maxBatch, units, outputs);
    }

    /** Gathers the rows' tokens and states into direct buffers, runs the graph over them, scatters back. */
    static final class Stepper implements BatchStepper {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final int maxBatch;
        private final int units;
        private final int outputs;
        private final LongBuffer tok;
        private final FloatBuffer h, c, probs, hOut, cOut;
        private final Map<String, OnnxTensor> inputs = new HashMap<>(4);
        private final Map<String, OnnxTensor> pinned = new HashMap<>(4);

        Stepper(byte[] graph, int maxBatch, int units, int outputs) {
            this.maxBatch = maxBatch;
            this.units = units;
            this.outputs = outputs;
            this.tok = ByteBuffer.allocateDirect(8 * maxBatch).order(ByteOrder.nativeOrder()).asLongBuffer();
            this.h = floats(maxBatch * units);
            this.c = floats(maxBatch * units);
            this.hOut = floats(maxBatch * units);
            this.cOut = floats(maxBatch * units);
            this.probs = floats(maxBatch * outputs);
            try {
                this.session = OrtSessions.fromBytes(env, graph);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime could not load the step graph: " + e.getMessage(), e);
            }
        }

        private static FloatBuffer floats(int n) {
            return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        @Override
        public int maxBatch() {
            return maxBatch;
        }

        @Override
        public void stepTokens(float[][] states, int[] tokens, int n, float[][] out) {
            int u = units;
            for (int i = 0; i < n; i++) {
                tok.put(i, tokens[i]);
                h.put(i * u, states[i], 0, u);
                c.put(i * u, states[i], u, u);
            }
            long[] rows = { n };
            long[] state = { n, u };
            // Tensors over exactly n rows of the direct buffers: ONNX Runtime reads and writes them in place.
            try (OnnxTensor t = OnnxTensor.createTensor(env, tok.slice(0, n), rows);
                    OnnxTensor th = OnnxTensor.createTensor(env, h.slice(0, n * u), state);
                    OnnxTensor tc = OnnxTensor.createTensor(env, c.slice(0, n * u), state);
                    OnnxTensor tp = OnnxTensor.createTensor(env, probs.slice(0, n * outputs), new long[]{ n, outputs });
                    OnnxTensor tho = OnnxTensor.createTensor(env, hOut.slice(0, n * u), state);
                    OnnxTensor tco = OnnxTensor.createTensor(env, cOut.slice(0, n * u), state)) {
                inputs.put("token", t);
                inputs.put("h", th);
                inputs.put("c", tc);
                pinned.put("probs", tp);
                pinned.put("h_out", tho);
                pinned.put("c_out", tco);
                try (OrtSession.Result r = session.run(inputs, pinned)) {
                    // the outputs are in the pinned buffers
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime step of " + n + " keys failed: " + e.getMessage(), e);
            }
            for (int i = 0; i < n; i++) {
                hOut.get(i * u, states[i], 0, u);
                cOut.get(i * u, states[i], u, u);
                probs.get(i * outputs, out[i], 0, outputs);
            }
        }

        @Override
        public void stepFeatures(float[][] states, float[][] features, int n, float[][] out) {
            throw new UnsupportedOperationException("the ONNX Runtime benchmark engine takes token ids");
        }
    }
}
