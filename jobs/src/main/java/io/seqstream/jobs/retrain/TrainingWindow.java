package io.seqstream.jobs.retrain;

import java.util.ArrayList;
import java.util.List;

/**
 * The training data of one event-time window: a uniform sample of at most {@code retrain.sample-size} of the
 * sequences all keys offered ({@code offered} counts them all). {@code labels} is null for next-event training.
 * A Flink POJO (it is also the trainer's checkpointed backlog).
 */
public final class TrainingWindow {
    public long windowStart;
    public long windowEnd;
    public long offered;
    public int[][] tokens;
    public int[][] labels;
    /** Multi-input models: per sequence, its events' numbers ({@link TrainingSequence#features}); else null. */
    public float[][] features;
    /** Event time of the oldest event in the sample (Long.MAX_VALUE when empty). */
    public long firstEventTime = Long.MAX_VALUE;

    public TrainingWindow() {
    }

    public static TrainingWindow of(long windowStart, long windowEnd, long offered, List<TrainingSequence> sample) {
        TrainingWindow w = new TrainingWindow();
        w.windowStart = windowStart;
        w.windowEnd = windowEnd;
        w.offered = offered;
        w.tokens = new int[sample.size()][];
        boolean labelled = !sample.isEmpty() && sample.get(0).labels != null;
        w.labels = labelled ? new int[sample.size()][] : null;
        boolean numbers = !sample.isEmpty() && sample.get(0).features != null;
        w.features = numbers ? new float[sample.size()][] : null;
        for (int i = 0; i < sample.size(); i++) {
            TrainingSequence s = sample.get(i);
            w.tokens[i] = s.tokens;
            if (labelled) {
                w.labels[i] = s.labels;
            }
            if (numbers) {
                w.features[i] = s.features;
            }
            w.firstEventTime = Math.min(w.firstEventTime, s.firstEventTime);
        }
        return w;
    }

    /** The sample again as sequences (the sampler's checkpoint restores its reservoirs from this). */
    public List<TrainingSequence> sequences() {
        List<TrainingSequence> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(new TrainingSequence(windowStart, windowEnd, tokens[i], labels == null ? null : labels[i], firstEventTime)
                    .withFeatures(features == null ? null : features[i]));
        }
        return out;
    }

    public int size() {
        return tokens == null ? 0 : tokens.length;
    }

    @Override
    public String toString() {
        return "window [" + windowStart + ", " + windowEnd + "): " + size() + " of " + offered + " sequences";
    }
}
