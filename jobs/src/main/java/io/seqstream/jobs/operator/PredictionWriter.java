package io.seqstream.jobs.operator;

import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.ArrayList;
import java.util.List;

/** Turns one output row into a Prediction record: the top-k classes and, if configured, the whole vector. */
final class PredictionWriter {
    private final int outputSize;
    private final int k;
    private final boolean fullVector;
    private final long modelVersion;
    private final int[] idx;

    PredictionWriter(int outputSize, int topK, boolean fullVector, long modelVersion) {
        this.outputSize = outputSize;
        this.k = Math.min(topK, outputSize);
        this.fullVector = fullVector;
        this.modelVersion = modelVersion;
        this.idx = new int[k];
    }

    Prediction create(String key, long eventTime, long step, float[] output, long processingTime) {
        int n = TopK.select(output, outputSize, k, idx);
        List<TopClass> top = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            top.add(new TopClass(idx[i], output[idx[i]]));
        }
        List<Float> full = null;
        if (fullVector) {
            full = new ArrayList<>(outputSize);
            for (int i = 0; i < outputSize; i++) {
                full.add(output[i]);
            }
        }
        return new Prediction(key, eventTime, modelVersion, step, top, full, processingTime);
    }
}
