package io.seqstream.bench.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** ONNX Runtime sessions as every benchmark engine runs them: one intra-op and one inter-op thread, all optimizations. */
public final class OrtSessions {
    private OrtSessions() {
    }

    /** A session over an ONNX file. */
    public static OrtSession fromFile(OrtEnvironment env, String path) throws OrtException {
        try (OrtSession.SessionOptions so = options()) {
            return env.createSession(path, so);
        }
    }

    /** A session over an ONNX model held in memory. */
    public static OrtSession fromBytes(OrtEnvironment env, byte[] model) throws OrtException {
        try (OrtSession.SessionOptions so = options()) {
            return env.createSession(model, so);
        }
    }

    private static OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }
}
