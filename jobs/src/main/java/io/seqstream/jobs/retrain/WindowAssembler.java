package io.seqstream.jobs.retrain;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per key, turns recent events into training sequences for event-time windows of size S sliding by L
 * ({@code retrain.window}, {@code retrain.interval}; tumbling when S = L).
 *
 * <p>Each key keeps its last {@code sequences-per-key x events-per-sequence} events (token, label, time) in
 * keyed state, in arrival order. When the watermark passes a window end b (an event-time timer), the key cuts
 * its events with time &lt; b backwards into non-overlapping runs of consecutive events, as long as a run
 * ends inside [b - S, b), at most {@code retrain.sequences-per-key} of them, and emits them. A key none of
 * whose events can end a run in the next window is cleared, so idle keys cost nothing.
 *
 * <p>Next-event targets use runs of T + 1 events; label targets use runs of T labelled events (an event
 * without a label, or with one outside the model's outputs, breaks the run: the key starts over).
 */
public final class WindowAssembler extends KeyedProcessFunction<String, ModelInput, TrainingSequence> {
    private static final long serialVersionUID = 1L;

    private final RetrainOptions options;
    private final int outputSize;

    private transient ListState<RecentEvent> events;
    private transient ValueState<Integer> count;
    private transient Counter sequencesOut;
    private transient Counter unusableLabels;

    public WindowAssembler(RetrainOptions options, int outputSize) {
        this.options = options;
        this.outputSize = outputSize;
    }

    /** Most events a key keeps: enough for its sequences of one window. */
    int capacity() {
        return options.sequencesPerKey() * options.eventsPerSequence();
    }

    @Override
    public void open(OpenContext ctx) {
        events = getRuntimeContext().getListState(new ListStateDescriptor<>("retrain-recent", TypeInformation.of(RecentEvent.class)));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("retrain-recent-count", Types.INT));
        sequencesOut = getRuntimeContext().getMetricGroup().counter("trainingSequences");
        unusableLabels = getRuntimeContext().getMetricGroup().counter("unusableLabels");
    }

    @Override
    public void processElement(ModelInput e, Context ctx, Collector<TrainingSequence> out) throws Exception {
        if (options.target() == RetrainTarget.LABEL && (!e.hasLabel() || e.label >= outputSize)) {
            if (e.hasLabel()) {
                unusableLabels.inc();
            }
            events.clear(); // a run of labelled events is broken
            count.clear();
            return;
        }
        RecentEvent r = new RecentEvent(e.token, e.label, e.eventTime);
        if (e.isMultiInput()) {
            r.tokens = e.tokens;
            r.features = e.features;
        }
        events.add(r);
        int n = (count.value() == null ? 0 : count.value()) + 1;
        if (n >= 2 * capacity()) { // trim now and then, not per event
            List<RecentEvent> all = list();
            List<RecentEvent> kept = new ArrayList<>(all.subList(all.size() - capacity(), all.size()));
            events.update(kept);
            n = kept.size();
        }
        count.update(n);
        ctx.timerService().registerEventTimeTimer(nextWindowEnd(e.eventTime));
    }

    /** The first window end (a multiple of the slide) after {@code time}. */
    long nextWindowEnd(long time) {
        return Math.floorDiv(time, options.slideMs()) * options.slideMs() + options.slideMs();
    }

    private List<RecentEvent> list() throws Exception {
        List<RecentEvent> all = new ArrayList<>();
        Iterable<RecentEvent> it = events.get();
        if (it != null) {
            it.forEach(all::add);
        }
        return all;
    }

    @Override
    public void onTimer(long windowEnd, OnTimerContext ctx, Collector<TrainingSequence> out) throws Exception {
        long windowStart = windowEnd - options.sizeMs();
        List<RecentEvent> all = list();
        int last = all.size() - 1;
        while (last >= 0 && all.get(last).time >= windowEnd) {
            last--; // events of later windows, already here because of out-of-orderness
        }
        int len = options.eventsPerSequence();
        boolean labels = options.target() == RetrainTarget.LABEL;
        int emitted = 0;
        for (int end = last; end - len + 1 >= 0 && emitted < options.sequencesPerKey() && all.get(end).time >= windowStart; end -= len) {
            RecentEvent head = all.get(end - len + 1);
            boolean multi = head.tokens != null; // several inputs per event: token ids and numbers of each event
            int nt = multi ? head.tokens.length : 1, nf = multi ? head.features.length : 0;
            int[] tokens = new int[len * nt];
            float[] numbers = multi ? new float[len * nf] : null;
            int[] lab = labels ? new int[len] : null;
            long first = Long.MAX_VALUE;
            for (int i = 0; i < len; i++) {
                RecentEvent r = all.get(end - len + 1 + i);
                if (multi) {
                    System.arraycopy(r.tokens, 0, tokens, i * nt, nt);
                    System.arraycopy(r.features, 0, numbers, i * nf, nf);
                } else {
                    tokens[i] = r.token;
                }
                if (labels) {
                    lab[i] = r.label;
                }
                first = Math.min(first, r.time);
            }
            out.collect(new TrainingSequence(windowStart, windowEnd, tokens, lab, first).withFeatures(numbers));
            emitted++;
        }
        sequencesOut.inc(emitted);
        long nextStart = windowEnd + options.slideMs() - options.sizeMs();
        boolean neededLater = false;
        for (RecentEvent r : all) {
            neededLater |= r.time >= nextStart;
        }
        if (!neededLater) {
            events.clear();
            count.clear();
            return;
        }
        if (all.size() > capacity()) {
            events.update(new ArrayList<>(all.subList(all.size() - capacity(), all.size())));
            count.update(capacity());
        }
        // Sliding windows: this key's events also end runs in the next window.
        ctx.timerService().registerEventTimeTimer(windowEnd + options.slideMs());
    }
}
