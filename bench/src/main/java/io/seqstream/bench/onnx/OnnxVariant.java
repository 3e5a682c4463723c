package io.seqstream.bench.onnx;

import io.seqstream.apps.bench.BenchVariant;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.model.Model;

/** {@code ./seqstream bench --variants ...,onnx}: the job's operator stepping through ONNX Runtime ({@link OnnxBackend}). */
public final class OnnxVariant implements BenchVariant {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public ModelBackend backend(Model model) {
        return new OnnxBackend(model);
    }
}
