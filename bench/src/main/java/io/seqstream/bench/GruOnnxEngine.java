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
 * ONNX Runtime running the GRU peer's {@code gru_step.onnx} (token int64 [B], h [B,H] to probs [B,10], h_out
 * [B,H]), used as {@link OnnxEngine} uses the LSTM peer: per call, gather the keys' h into direct buffers,
 * tensors created for the call over them, pinned outputs, scatter back. One intra-op thread.
 */
public final class GruOnnxEngine implements Engine {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int units;
    private final int batch;
    private final float[][] states;
    private final float[][] outputs;
    private final LongBuffer tok;
    private final FloatBuffer h, probs, hOut;
    private final Map<String, OnnxTensor> inputs = new HashMap<>(2);
    private final Map<String, OnnxTensor> pinned = new HashMap<>(2);

    public GruOnnxEngine(int units, int batch) {
        this.units = units;
        this.batch = batch;
        this.states = new float[batch][units];
        this.outputs = new float[batch][PeerModel.CLASSES];
        this.tok = ByteBuffer.allocateDirect(8 * batch).order(ByteOrder.nativeOrder()).asLongBuffer();
        this.h = floats(batch * units);
        this.hOut = floats(batch * units);
        this.probs = floats(batch * PeerModel.CLASSES);
        try {
            env = OrtEnvironment.getEnvironment();
            session = OrtSessions.fromFile(env, SequenceModels.gruPeer(units).resolve("gru_step.onnx").toString());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the H=" + units + " GRU peer", e);
        }
    }

    private static FloatBuffer floats(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public String name() {
        return "gru-onnx";
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
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, tok, new long[]{ batch });
                OnnxTensor th = OnnxTensor.createTensor(env, h, new long[]{ batch, u });
                OnnxTensor tp = OnnxTensor.createTensor(env, probs, new long[]{ batch, PeerModel.CLASSES });
                OnnxTensor to = OnnxTensor.createTensor(env, hOut, new long[]{ batch, u })) {
            inputs.put("token", t);
            inputs.put("h", th);
            pinned.put("probs", tp);
            pinned.put("h_out", to);
            try (OrtSession.Result r = session.run(inputs, pinned)) {
                // outputs were written into the pinned buffers
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime GRU step failed", e);
        }
        int k = PeerModel.CLASSES;
        for (int i = 0; i < batch; i++) {
            hOut.get(i * u, states[i], 0, u);
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
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
