package io.seqstream.jobs.operator;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one output row into a Prediction record: the top-k classes and, if configured, the whole vector, with the
 * event's source coordinates, event id and copied fields so users can join predictions to their events.
 */
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

    Prediction create(ModelInput e, long step, float[] output, long processingTime) {
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
        Map<String, String> fields = Map.of();
        if (e.copied != null && e.copied.length > 0) {
            fields = new HashMap<>(e.copied.length);
            for (int i = 0; i + 1 < e.copied.length; i += 2) {
                fields.put(e.copied[i], e.copied[i + 1]);
            }
        }
        return new Prediction(e.key, e.eventTime, modelVersion, step, top, full, processingTime, e.sourceTopic,
                e.sourcePartition < 0 ? null : e.sourcePartition, e.sourceOffset < 0 ? null : e.sourceOffset, e.eventId, fields);
    }
}
