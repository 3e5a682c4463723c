package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.report.AccuracyTally;
import io.seqstream.schemas.Prediction;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stream's online accuracy as one prediction subtask sees it: how often the predictions it served were right,
 * per event-time window of {@code retrain.interval} (the trainer's windows). No Flink here.
 *
 * <h2>Judging ({@link #judge}, where the prediction is made)</h2>
 * <ul>
 * <li>{@code retrain.target=label}: a prediction is right when its top-1 class is the event's own label. Events
 * without a label, or with one outside the model's outputs, are not judged.
 * <li>{@code retrain.target=next-event}: the prediction made at a key's step t is right when its top-1 class is the
 * token of the key's next event. So each key keeps its last top-1 class ({@link KeyState#lastTopClass}); the next
 * event judges it, unless it resets the key (a new sequence: the old one had no next event). A key that expired
 * or is new has nothing to judge.
 * </ul>
 * A judgement counts in the window of the event that settles it (for next-event targets the next event's time)
 * and under the model version serving then.
 *
 * <h2>Tallies ({@link #count}, on the task thread)</h2>
 * Counts per (window, version) until {@link #ended} (a watermark passed the window's end) or {@link #drain} (a
 * checkpoint barrier) hands them out as {@link AccuracyTally}s: the operator keeps nothing across a checkpoint.
 */
public final class OnlineAccuracy {
    /** Not judged. */
    public static final byte NONE = 0;
    public static final byte WRONG = 1;
    public static final byte RIGHT = 2;

    /** Whether and how predictions are judged, and the window length. */
    public record Options(boolean enabled, RetrainTarget target, long windowMs) implements Serializable {
        public Options {
            if (enabled && windowMs <= 0) {
                throw new IllegalArgumentException("online accuracy needs a window > 0 ms, got " + windowMs);
            }
        }

        public static Options off() {
            return new Options(false, RetrainTarget.NEXT_EVENT, 1);
        }

        /** On with {@code retrain.enabled}: the trainer's target and window ({@code retrain.interval}). */
        public static Options fromConfig(JobConfig c) {
            return c.get(ConfigKeys.RETRAIN_ENABLED)
                    ? new Options(true, c.get(ConfigKeys.RETRAIN_TARGET), c.get(ConfigKeys.RETRAIN_INTERVAL).toMillis())
                    : off();
        }
    }

    private final Options options;
    private final int outputSize;
    /** (window end, version) -> {right, total}. */
    private final TreeMap<Long, Map<Long, long[]>> open = new TreeMap<>();
    // The tally counted last: consecutive predictions mostly share window and version, so no map lookup for them.
    private long lastWindow = Long.MIN_VALUE;
    private long lastVersion;
    private long[] last;

    public OnlineAccuracy(Options options, int outputSize) {
        this.options = options;
        this.outputSize = outputSize;
    }

    /**
     * Judges the prediction {@code p} just made for event {@code e} of the key whose state is {@code ks}, and for
     * next-event targets the key's previous prediction; remembers {@code p}'s top-1 class in {@code ks}. Reads only
     * its arguments and this object's settings: safe on the step thread.
     */
    byte judge(ModelInput e, KeyState ks, Prediction p) {
        if (!options.enabled()) {
            return NONE;
        }
        int top = p.getTopK().isEmpty() ? -1 : p.getTopK().get(0).getClassId();
        if (options.target() == RetrainTarget.LABEL) {
            return e.label < 0 || e.label >= outputSize || top < 0 ? NONE : top == e.label ? RIGHT : WRONG;
        }
        int previous = ks.lastTopClass;
        ks.lastTopClass = top;
        // The next event's token: a multi-input event's one token input (the trainer's next-event target), else its token.
        int next = e.tokens != null ? (e.tokens.length == 1 ? e.tokens[0] : -1) : e.hasFeatures() ? -1 : e.token;
        if (e.reset || previous < 0 || next < 0) {
            return NONE;
        }
        return previous == next ? RIGHT : WRONG;
    }

    /** Counts one judgement ({@link #NONE}: nothing) of an event at {@code eventTime}, under model {@code version}. */
    void count(long eventTime, long version, byte outcome) {
        if (outcome == NONE) {
            return;
        }
        long window = AccuracyTally.windowEnd(eventTime, options.windowMs());
        long[] t = last;
        if (t == null || window != lastWindow || version != lastVersion) {
            t = open.computeIfAbsent(window, w -> new TreeMap<>()).computeIfAbsent(version, v -> new long[2]);
            last = t;
            lastWindow = window;
            lastVersion = version;
        }
        if (outcome == RIGHT) {
            t[0]++;
        }
        t[1]++;
    }

    /** Hands out and forgets the tallies of the windows {@code watermark} completes ({@link AccuracyTally#complete}). */
    List<AccuracyTally> ended(long watermark) {
        return take(open.headMap(watermark == Long.MAX_VALUE ? watermark : watermark + 1, true).entrySet().iterator());
    }

    /** Hands out and forgets every tally. */
    List<AccuracyTally> drain() {
        return take(open.entrySet().iterator());
    }

    /** Windows with tallies not handed out yet. */
    int openWindows() {
        return open.size();
    }

    private List<AccuracyTally> take(Iterator<Map.Entry<Long, Map<Long, long[]>>> it) {
        last = null; // it may be handed out now
        List<AccuracyTally> out = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<Long, Map<Long, long[]>> w = it.next();
            w.getValue().forEach((v, t) -> out.add(new AccuracyTally(w.getKey(), v, t[0], t[1])));
            it.remove();
        }
        return out;
    }
}
