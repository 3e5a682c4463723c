package io.seqstream.jobs.retrain;

import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.train.TrainingReport;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ModelSnapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * The trainer: parallelism 1, off the prediction path. Input 1: the sampled {@link TrainingWindow}s. Input 2:
 * the models stream, so it always fine-tunes the model being served (after a rollback or an offline publish
 * too). Output: the {@link ModelSnapshot}s it publishes (to the models topic and straight to the prediction
 * operators).
 *
 * <h2>Why a thread of its own</h2>
 * A round ({@link WindowTrainer}: fine-tune, evaluate, decide) takes seconds to minutes. Run on the task thread,
 * it would hold back this operator's checkpoint barrier, and with aligned checkpoints the whole job's checkpoint,
 * so exactly-once predictions would become visible only after the training. So the round runs on one
 * background thread; the task thread polls for its result every {@value #POLL_MS} ms (a processing-time timer)
 * and emits, checkpoints and takes in new windows meanwhile. A checkpoint taken during a round stores the
 * window being trained, and a restore trains it again.
 *
 * <h2>Backlog</h2>
 * At most one window waits while a round runs: a newer window replaces it (counted in {@code windowsDropped}),
 * so a trainer slower than the windows trains on the newest data instead of falling ever further behind.
 *
 * <h2>Versions</h2>
 * A published candidate gets a version above every version seen on the models stream and becomes the model
 * the next round fine-tunes. If a newer model arrives on the models stream during a round, that round's
 * candidate is discarded: it was measured against a model no longer served.
 *
 * <h2>Rounds</h2>
 * Each finished round (loss per epoch, versions and holdout accuracies of serving model and candidate, published or
 * not) leaves on the side output {@link #ROUNDS} for the training report ({@code report.TrainingReportOperator}), and so does each published
 * round read back from the models topic that this run does not know yet (after a restart: see
 * {@link TrainingReports}). The operator keeps its own {@link TrainingReport} of them, to tell which are known.
 */
public final class RetrainOperator extends AbstractStreamOperator<ModelSnapshot>
        implements
            TwoInputStreamOperator<TrainingWindow, ModelUpdate, ModelSnapshot>,
            BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    static final long POLL_MS = 50;
    static final int MAX_BACKLOG = 1;
    /** Every finished round, and the published rounds rebuilt from the models topic, for the training report. */
    public static final OutputTag<RoundResult> ROUNDS = new OutputTag<>("retrain-rounds", TypeInformation.of(RoundResult.class));

    private final WindowTrainer trainer;
    private final byte[] initialBytes;
    private final long initialVersion;
    private final SnapshotCheck check;

    private transient ListState<TrainerState> state;
    private transient TrainerState restored;
    private transient Model serving;
    private transient byte[] servingBytes; // null: the job's own model
    private transient long servingVersion;
    private transient String servingShape;
    private transient int servingStateSize;
    private transient long maxVersionSeen;
    private transient long round;
    private transient ArrayDeque<TrainingWindow> backlog;
    private transient TrainingWindow inFlightWindow;
    private transient Future<WindowTrainer.Outcome> inFlight;
    private transient long inFlightParent;
    private transient long inFlightVersion;
    private transient long inFlightRound;
    private transient boolean pollPending;
    private transient ExecutorService executor;
    private transient TrainingReport report;
    private transient RetrainMetrics metrics;

    public RetrainOperator(WindowTrainer trainer, byte[] initialModelBytes, long initialVersion, SnapshotCheck check) {
        this.trainer = trainer;
        this.initialBytes = initialModelBytes;
        this.initialVersion = initialVersion;
        this.check = check;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("retrain-trainer", TypeInformation.of(TrainerState.class)));
        restored = null;
        for (TrainerState s : state.get()) {
            restored = s;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        backlog = new ArrayDeque<>();
        serve(initialBytes, initialVersion, null);
        servingBytes = null;
        maxVersionSeen = initialVersion;
        if (restored != null) {
            round = restored.round;
            maxVersionSeen = Math.max(maxVersionSeen, restored.maxVersionSeen);
            if (restored.servingVersion > initialVersion && restored.servingBytes != null) {
                serve(restored.servingBytes, restored.servingVersion, restored.servingBytes);
            }
            if (restored.backlog != null) {
                backlog.addAll(List.of(restored.backlog));
            }
            LOG.info("trainer restored: fine-tunes v{}, {} window(s) to train, round {}", servingVersion, backlog.size(), round);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-retrain");
            t.setDaemon(true);
            return t;
        });
        report = new TrainingReport("seqstream retraining");
        metrics = new RetrainMetrics(getMetricGroup());
        metrics.servingVersion(servingVersion);
        maybeStart();
    }

    private void serve(byte[] bytes, long version, byte[] keepBytes) {
        serve(ModelFile.fromBytes(bytes, "model v" + version), bytes, version, keepBytes);
    }

    private void serve(Model model, byte[] bytes, long version, byte[] keepBytes) {
        StepModelBackend b = StepModelBackend.of(model, bytes, version, "model v" + version);
        serving = model;
        servingVersion = version;
        servingBytes = keepBytes;
        servingShape = ModelShape.signature(serving);
        servingStateSize = b.stateSize();
        if (metrics != null) {
            metrics.servingVersion(version);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        TrainerState s = new TrainerState();
        s.servingVersion = servingVersion;
        s.servingBytes = servingBytes;
        s.maxVersionSeen = maxVersionSeen;
        s.round = round;
        List<TrainingWindow> pending = new ArrayList<>();
        if (inFlightWindow != null) {
            pending.add(inFlightWindow);
        }
        pending.addAll(backlog);
        s.backlog = pending.toArray(new TrainingWindow[0]);
        state.update(List.of(s));
    }

    @Override
    public void processElement1(StreamRecord<TrainingWindow> record) {
        TrainingWindow w = record.getValue();
        backlog.addLast(w);
        while (backlog.size() > MAX_BACKLOG && inFlight != null) {
            TrainingWindow dropped = backlog.pollFirst();
            metrics.windowsDropped.inc();
            LOG.warn("trainer busy: skipping {} for the newer {}", dropped, w);
        }
        maybeStart();
    }

    /** A model on the models stream: follow it when it is newer and valid, so rounds fine-tune what is served. */
    @Override
    public void processElement2(StreamRecord<ModelUpdate> record) {
        ModelUpdate u = record.getValue();
        SnapshotCheck.Result r = check.check(u, servingVersion, servingShape, servingStateSize);
        if (r instanceof SnapshotCheck.Result.Stale stale) {
            maxVersionSeen = Math.max(maxVersionSeen, stale.version());
            try {
                reportPublished(AvroCodec.decode(u.value, ModelSnapshot.class));
            } catch (RuntimeException e) {
                LOG.debug("trainer: no report round from {}: {}", u.origin(), e.toString());
            }
        } else if (r instanceof SnapshotCheck.Result.Accepted a) {
            reportPublished(a.snapshot());
            long v = a.snapshot().getVersion();
            maxVersionSeen = Math.max(maxVersionSeen, v);
            byte[] bytes = ModelSnapshots.modelBytes(a.snapshot());
            serve(a.model(), bytes, v, bytes);
            LOG.info("trainer: now fine-tuning v{} (from {})", v, u.origin());
        } else {
            LOG.debug("trainer ignores a rejected model update: {}", ((SnapshotCheck.Result.Rejected) r).message());
        }
    }

    private void maybeStart() {
        if (inFlight != null || backlog.isEmpty()) {
            return;
        }
        TrainingWindow w = backlog.pollFirst();
        round++;
        metrics.rounds.inc();
        long r = round;
        long parent = servingVersion;
        long version = Math.max(maxVersionSeen, servingVersion) + 1;
        Model model = serving; // never modified: FineTuner trains a copy
        inFlightWindow = w;
        inFlightParent = parent;
        inFlightVersion = version;
        inFlightRound = r;
        LOG.info("retrain round {}: fine-tuning v{} on {}", r, parent, w);
        inFlight = executor.submit(() -> trainer.train(model, parent, w, version,
                line -> LOG.info("retrain round {} (v{} on window ending {}): {}", r, parent, w.windowEnd, line)));
        schedulePoll();
    }

    private void schedulePoll() {
        if (pollPending) {
            return;
        }
        pollPending = true;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + POLL_MS, t -> {
            pollPending = false;
            if (inFlight != null && inFlight.isDone()) {
                complete();
            } else if (inFlight != null) {
                schedulePoll();
            }
        });
    }

    /** On the task thread: publish (or not) the finished round's candidate, report it, start the next round. */
    private void complete() {
        WindowTrainer.Outcome o = null;
        String note;
        try {
            o = inFlight.get();
            note = o.reason();
        } catch (ExecutionException e) {
            note = "failed: " + e.getCause();
            LOG.warn("retrain round {} on {} failed", inFlightRound, inFlightWindow, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            note = "interrupted";
        }
        inFlight = null;
        TrainingWindow w = inFlightWindow;
        inFlightWindow = null;
        boolean pub = false;
        if (o != null && o.published()) {
            if (servingVersion != inFlightParent) {
                note = note.replace("published as v" + inFlightVersion, "") + " discarded: v" + servingVersion
                        + " arrived on the models stream during the round";
            } else {
                ModelSnapshot s = o.snapshot();
                output.collect(new StreamRecord<>(s));
                metrics.published.inc();
                pub = true;
                byte[] bytes = ModelSnapshots.modelBytes(s);
                serving = o.result().candidate();
                servingBytes = bytes;
                servingVersion = s.getVersion();
                servingShape = ModelShape.signature(serving);
                maxVersionSeen = Math.max(maxVersionSeen, s.getVersion());
                metrics.servingVersion(servingVersion);
            }
        }
        if (o != null && o.trained()) {
            metrics.evaluated(inFlightParent, o.result().before(), inFlightVersion, o.result().after(), pub);
        }
        LOG.info("retrain round {} on {}: {}", inFlightRound, w, note);
        record(o, pub, note);
        maybeStart();
    }

    /** A published snapshot on the models stream: its round into the report, unless the report has it (a restart rebuilds it so). */
    private void reportPublished(ModelSnapshot s) {
        if (TrainingReports.addPublished(report, s)) {
            Map<String, Double> m = s.getMetrics();
            if (s.getVersion() >= metrics.servingModelVersion()) {
                metrics.evaluated(s.getParentVersion() == null ? 0 : s.getParentVersion(), Map.of("accuracy", m.get("before_accuracy"),
                        "loss", m.getOrDefault("before_loss", Double.NaN)), s.getVersion(),
                        Map.of("accuracy", m.get("after_accuracy"),
                                "loss", m.getOrDefault("after_loss", Double.NaN)),
                        true);
            }
            TrainingReport.Round added = report.rounds().get(report.rounds().size() - 1);
            double[] loss = new double[0];
            for (int e = 1; m.containsKey(TrainingReports.EPOCH_LOSS_PREFIX + e); e++) {
                loss = Arrays.copyOf(loss, e);
                loss[e - 1] = m.get(TrainingReports.EPOCH_LOSS_PREFIX + e);
            }
            output.collect(ROUNDS, new StreamRecord<>(RoundResult.of(added, loss)));
        }
    }

    private void record(WindowTrainer.Outcome o, boolean pub, String note) {
        if (o != null && o.trained()) {
            List<Double> loss = o.result().history().get("loss");
            double[] epochs = new double[loss.size()];
            for (int e = 0; e < loss.size(); e++) {
                epochs[e] = loss.get(e);
                report.addEpoch(inFlightRound, e + 1, loss.get(e));
            }
            TrainingReport.Round r = new TrainingReport.Round(inFlightRound, Instant.now(), inFlightParent, inFlightVersion,
                    o.result().before().get("accuracy"), o.result().after().get("accuracy"), pub,
                    "serving v" + inFlightParent + "; " + note);
            report.addRound(r);
            output.collect(ROUNDS, new StreamRecord<>(RoundResult.of(r, epochs)));
        }
    }

    /** Trains what is left, synchronously: the end of a bounded input (tests, offline runs). */
    private void drain() throws InterruptedException {
        while (true) {
            maybeStart();
            if (inFlight == null) {
                return;
            }
            try {
                inFlight.get();
            } catch (ExecutionException e) {
                // complete() reports it
            }
            complete();
        }
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            drain();
        }
    }

    @Override
    public void finish() throws Exception {
        drain();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
        }
        super.close();
    }

    /** The version the next round fine-tunes (tests). */
    public long servingVersion() {
        return servingVersion;
    }

    /** The trainer's metrics (tests). */
    RetrainMetrics metrics() {
        return metrics;
    }

    /** The rounds of this run (tests). */
    public TrainingReport report() {
        return report;
    }
}
