package io.seqstream.jobs.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Collects the training sequences of all keys into one bounded sample per window and emits the window when
 * the watermark passes its end. Runs with parallelism 1, after the per-key {@link WindowAssembler}s: one
 * {@link Reservoir} of {@code retrain.sample-size} sequences per open window (usually one or two), so memory
 * is bounded whatever the number of keys. A sequence for a window already emitted (a late key) is dropped
 * and counted.
 *
 * <p>The open reservoirs are operator state; a restore keeps their samples and counts.
 */
public final class WindowSampler extends AbstractStreamOperator<TrainingWindow>
        implements
            OneInputStreamOperator<TrainingSequence, TrainingWindow> {
    private static final long serialVersionUID = 1L;

    private final int sampleSize;

    private transient TreeMap<Long, Reservoir<TrainingSequence>> open; // by window end
    private transient Map<Long, Long> startOf;
    private transient ListState<TrainingWindow> state;
    private transient long watermark;
    private transient Counter late;

    public WindowSampler(int sampleSize) {
        this.sampleSize = sampleSize;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        open = new TreeMap<>();
        startOf = new TreeMap<>();
        watermark = Long.MIN_VALUE;
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("retrain-reservoirs",
                TypeInformation.of(TrainingWindow.class)));
        for (TrainingWindow w : state.get()) {
            open.put(w.windowEnd, Reservoir.restore(sampleSize, w.windowEnd ^ w.offered, w.sequences(), w.offered));
            startOf.put(w.windowEnd, w.windowStart);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        late = getMetricGroup().counter("lateSequences");
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<TrainingWindow> windows = new ArrayList<>();
        open.forEach((end, r) -> windows.add(TrainingWindow.of(startOf.get(end), end, r.seen(), r.sample())));
        state.update(windows);
    }

    @Override
    public void processElement(StreamRecord<TrainingSequence> record) {
        TrainingSequence s = record.getValue();
        if (s.windowEnd <= watermark) {
            late.inc();
            return;
        }
        open.computeIfAbsent(s.windowEnd, end -> new Reservoir<>(sampleSize, end)).offer(s);
        startOf.putIfAbsent(s.windowEnd, s.windowStart);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        while (!open.isEmpty() && open.firstKey() <= watermark) {
            Map.Entry<Long, Reservoir<TrainingSequence>> e = open.pollFirstEntry();
            long start = startOf.remove(e.getKey());
            Reservoir<TrainingSequence> r = e.getValue();
            TrainingWindow w = TrainingWindow.of(start, e.getKey(), r.seen(), r.sample());
            LOG.info("training window [{}, {}) closed: {} sequences sampled of {} offered", start, e.getKey(), w.size(), r.seen());
            output.collect(new StreamRecord<>(w, e.getKey() - 1));
        }
        super.processWatermark(mark);
    }
}
