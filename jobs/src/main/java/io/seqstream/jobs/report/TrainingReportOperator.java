package io.seqstream.jobs.report;

import io.seqstream.jobs.retrain.RetrainOperator;
import io.seqstream.jobs.retrain.RoundResult;
import io.seqstream.jobs.retrain.TrainingReports;
import io.seqstream.model.train.TrainingReport;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The training report (parallelism 1): input 1, the trainer's finished rounds ({@link RetrainOperator#ROUNDS});
 * input 2, the prediction operators' online-accuracy tallies (side output {@code MicroBatchStepOperator.ONLINE_ACCURACY}). It
 * keeps the model-core {@link TrainingReport} and rewrites it at {@code retrain.report} (when set) after each round
 * and each finished window.
 *
 * <h2>Windows</h2>
 * Tallies of all prediction subtasks are summed per (window, model version). A window is finished when the
 * watermark of input 2 (the minimum over the prediction subtasks, each of which sends a window's last tallies
 * before the watermark that completes it) passes its end; then it goes into the report and its accuracy into the
 * gauge ({@link ReportMetrics}). A tally for a finished window (a late event) is added to it. The pending sums and
 * the finished windows (the newest {@value #MAX_WINDOWS}) are this operator's state; the rounds are not: after a
 * restart the trainer rebuilds the published ones from the models topic and sends them again. The watermarks of
 * input 1 are ignored (the trainer follows the models stream, which has none).
 */
public final class TrainingReportOperator extends AbstractStreamOperator<Void>
        implements
            TwoInputStreamOperator<RoundResult, AccuracyTally, Void> {
    private static final long serialVersionUID = 1L;
    /** Finished windows kept (older ones leave the report). */
    static final int MAX_WINDOWS = 2000;

    private final String reportPath; // null: no file
    private final long windowMs;

    private transient ListState<AccuracyTally> pendingState;
    private transient ListState<AccuracyTally> windowsState;
    /** window end -> version -> {right, total}; not finished / finished. */
    private transient TreeMap<Long, Map<Long, long[]>> pending;
    private transient TreeMap<Long, Map<Long, long[]>> finished;
    private transient long watermark;
    private transient TrainingReport report;
    private transient ReportMetrics metrics;
    private transient boolean writeFailed;

    public TrainingReportOperator(String reportPath, long windowMs) {
        this.reportPath = reportPath == null || reportPath.isBlank() ? null : reportPath;
        this.windowMs = windowMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pendingState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("report-pending-tallies", TypeInformation.of(AccuracyTally.class)));
        windowsState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("report-finished-windows", TypeInformation.of(AccuracyTally.class)));
        pending = new TreeMap<>();
        finished = new TreeMap<>();
        for (AccuracyTally t : pendingState.get()) {
            add(pending, t);
        }
        for (AccuracyTally t : windowsState.get()) {
            add(finished, t);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        watermark = Long.MIN_VALUE;
        report = new TrainingReport("seqstream retraining");
        metrics = new ReportMetrics(getMetricGroup());
        if (!finished.isEmpty()) {
            finished.keySet().forEach(this::publish);
            LOG.info("training report restored: {} finished window(s), {} pending", finished.size(), pending.size());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        pendingState.update(tallies(pending));
        windowsState.update(tallies(finished));
    }

    @Override
    public void processElement1(StreamRecord<RoundResult> record) {
        record.getValue().addTo(report);
        write();
    }

    @Override
    public void processElement2(StreamRecord<AccuracyTally> record) {
        AccuracyTally t = record.getValue();
        if (finished.containsKey(t.windowEnd) || AccuracyTally.complete(t.windowEnd, watermark)) {
            add(finished, t); // late: the window was finished already
            publish(t.windowEnd);
            write();
        } else {
            add(pending, t);
        }
    }

    /** The trainer's stream carries no event time: its watermarks must not hold back the windows. */
    @Override
    public void processWatermark1(Watermark mark) {
    }

    @Override
    public void processWatermark2(Watermark mark) {
        watermark = Math.max(watermark, mark.getTimestamp());
        boolean any = false;
        while (!pending.isEmpty() && AccuracyTally.complete(pending.firstKey(), watermark)) {
            Map.Entry<Long, Map<Long, long[]>> w = pending.pollFirstEntry();
            finished.put(w.getKey(), w.getValue());
            publish(w.getKey());
            any = true;
        }
        while (finished.size() > MAX_WINDOWS) {
            finished.pollFirstEntry();
        }
        if (any) {
            write();
        }
    }

    /** Puts finished window {@code end} into the report; the newest also into the gauge. */
    private void publish(long end) {
        Map<Long, long[]> byVersion = finished.get(end);
        long right = 0, total = 0;
        for (long[] t : byVersion.values()) {
            right += t[0];
            total += t[1];
        }
        TrainingReport.OnlineWindow w = new TrainingReport.OnlineWindow(Instant.ofEpochMilli(end - windowMs), Instant.ofEpochMilli(end),
                right, total, new ArrayList<>(byVersion.keySet()));
        report.putWindow(w);
        if (end == finished.lastKey()) {
            metrics.onlineAccuracy(w.accuracy());
        }
    }

    private static void add(TreeMap<Long, Map<Long, long[]>> windows, AccuracyTally t) {
        long[] sum = windows.computeIfAbsent(t.windowEnd, w -> new TreeMap<>()).computeIfAbsent(t.modelVersion, v -> new long[2]);
        sum[0] += t.right;
        sum[1] += t.total;
    }

    private static List<AccuracyTally> tallies(TreeMap<Long, Map<Long, long[]>> windows) {
        List<AccuracyTally> out = new ArrayList<>();
        windows.forEach((end, byVersion) -> byVersion.forEach((v, t) -> out.add(new AccuracyTally(end, v, t[0], t[1]))));
        return out;
    }

    private void write() {
        if (reportPath != null && !writeFailed) {
            try {
                TrainingReports.write(report, reportPath);
            } catch (IOException | RuntimeException e) {
                writeFailed = true; // say it once, keep going
                LOG.warn("cannot write the training report {}: {}", reportPath, e.toString());
            }
        }
    }

    /** The report (tests, the demo). */
    public TrainingReport report() {
        return report;
    }

    /** The gauge's value (tests). */
    double onlineAccuracy() {
        return metrics.onlineAccuracy();
    }

    /** Windows not finished yet (tests). */
    int pendingWindows() {
        return pending.size();
    }
}
