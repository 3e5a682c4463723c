package io.seqstream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.seqstream.bench.onnx.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX Runtime (Java API) running the peer's {@code lstm_step.onnx}: inputs {@code token} int64 [B],
 * {@code h}, {@code c} float [B,H]; outputs {@code probs} [B,10], {@code h_out}, {@code c_out} [B,H].
 * One intra-op and one inter-op thread, sequential execution, all graph optimisations.
 *
 * <p>Used as a streaming user would with per-key state: each call gathers the keys' h and c into
 * preallocated direct buffers, wraps them (and the output buffers, as pinned outputs that ONNX Runtime
 * writes into) in OnnxTensors created for the call without copying, runs, closes the tensors and the
 * result, and scatters h_out, c_out and probs back to the keys. With {@code reuseTensors} the six tensors
 * are created once instead (a lower bound for the per-call JNI work).
 */
public final class OnnxEngine implements Engine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int units;
    private final int batch;
    private final boolean reuseTensors;
    private final float[][] states;
    private final float[][] outputs;
    private final LongBuffer tok;
    private final FloatBuffer h, c, probs, hOut, cOut;
    private final long[] shapeTok, shapeState, shapeProbs;
    private final Map<String, OnnxTensor> inputs = new HashMap<>(4);
    private final Map<String, OnnxTensor> pinned = new HashMap<>(4);
    private OnnxTensor[] fixed;

    public OnnxEngine(int units, int batch) {
        this(units, batch, false);
    }

    public OnnxEngine(int units, int batch, boolean reuseTensors) {
        this.units = units;
        this.batch = batch;
        this.reuseTensors = reuseTensors;
        this.states = new float[batch][2 * units];
        this.outputs = new float[batch][PeerModel.CLASSES];
        this.tok = ByteBuffer.allocateDirect(8 * batch).order(ByteOrder.nativeOrder()).asLongBuffer();
        this.h = floats(batch * units);
        this.c = floats(batch * units);
        this.hOut = floats(batch * units);
        this.cOut = floats(batch * units);
        this.probs = floats(batch * PeerModel.CLASSES);
        this.shapeTok = new long[]{ batch };
        this.shapeState = new long[]{ batch, units };
        this.shapeProbs = new long[]{ batch, PeerModel.CLASSES };
        try {
            env = OrtEnvironment.getEnvironment();
            session = OrtSessions.fromFile(env, SharedDir.peer(units).resolve("lstm_step.onnx").toString());
            if (reuseTensors)
                fixed = tensors();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the H=" + units + " peer model", e);
        }
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private OnnxTensor[] tensors() throws OrtException {
        return new OnnxTensor[]{
                OnnxTensor.createTensor(env, tok, shapeTok),
                OnnxTensor.createTensor(env, h, shapeState),
                OnnxTensor.createTensor(env, c, shapeState),
                OnnxTensor.createTensor(env, probs, shapeProbs),
                OnnxTensor.createTensor(env, hOut, shapeState),
                OnnxTensor.createTensor(env, cOut, shapeState) };
    }

    @Override
    public String name() {
        return reuseTensors ? "onnx-reuse" : "onnx";
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public void step(int[] tokens) {
        int u = units;
        for (int i = 0; i < batch; i++) {
            tok.put(i, tokens[i]);
            h.put(i * u, states[i], 0, u);
            c.put(i * u, states[i], u, u);
        }
        try {
            OnnxTensor[] t = reuseTensors ? fixed : tensors();
            try {
                inputs.put("token", t[0]);
                inputs.put("h", t[1]);
                inputs.put("c", t[2]);
                pinned.put("probs", t[3]);
                pinned.put("h_out", t[4]);
                pinned.put("c_out", t[5]);
                try (OrtSession.Result r = session.run(inputs, pinned)) {
                    // outputs were written into the pinned buffers
                }
            } finally {
                if (!reuseTensors)
                    for (OnnxTensor x : t)
                        x.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime step failed", e);
        }
        int k = PeerModel.CLASSES;
        for (int i = 0; i < batch; i++) {
            hOut.get(i * u, states[i], 0, u);
            cOut.get(i * u, states[i], u, u);
            probs.get(i * k, outputs[i], 0, k);
        }
    }

    @Override
    public float[][] states() {
        return states;
    }

    @Override
    public float[][] outputs() {
        return outputs;
    }

    @Override
    public void close() {
        try {
            if (fixed != null)
                for (OnnxTensor x : fixed)
                    x.close();
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
