package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.report.AccuracyTally;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.validate.DeadLetters;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.util.OutputTag;

/**
 * Steps the model for many keys at once: a keyed operator that buffers events and steps them in micro-batches,
 * keeping each key's recurrent state in Flink keyed state. This class is the Flink glue; the work is done by
 * {@link MicroBatchPipeline} (buffer, step thread, batches in flight), {@link BatchCompute} (one batch through the
 * model, no Flink), {@link ModelSwapper} (the serving model and its updates) and {@link KeyExpiry} (idle keys).
 *
 * <h2>How one batch reaches the state of many keys</h2>
 * A {@code KeyedProcessFunction} sees one key at a time, so it cannot hand a batch of keys to the model. This
 * operator runs on the keyed stream ({@code keyBy(key)}) but takes control of the key context itself: it sets
 * each buffered key as the current key ({@link #setCurrentKey}) to read its {@link KeyState} before the step and
 * to write it back after ({@code update()}: needed for RocksDB, where {@code value()} returns a copy). Flink's
 * keyed state is addressed by "current key", which an operator may set freely for keys of its own key groups, and
 * every buffered key is one of ours because it arrived through {@code keyBy}. Flink 2's async state API would also
 * allow this, but its per-record callbacks complicate batching across keys; the synchronous path is simpler and exact.
 *
 * <h2>Checkpoints, watermarks and order</h2>
 * The buffer and the batches in flight are never part of a checkpoint: {@link #prepareSnapshotPreBarrier}
 * steps them before the barrier is forwarded, so every event before the barrier is stepped into keyed state and its
 * prediction emitted before the barrier. A watermark, the end of input and a model swap do the same first, so no
 * prediction falls behind a watermark its event preceded, and a swap lands between micro-batches. A key's events
 * are stepped in arrival order, each once.
 *
 * <h2>Hot model swap (second input)</h2>
 * The second input is the broadcast stream of {@link ModelUpdate}s (the models topic, and this job's trainer),
 * handed to the {@link ModelSwapper}. A rejected update becomes a dead letter on {@link #MODEL_DEAD_LETTERS}
 * (from subtask 0 only: every instance rejects it alike) and the serving model stays. Every Prediction carries
 * the version that computed it, and each key's predictions switch version exactly once per swap. The watermarks
 * of the second input are ignored: event time is the events' business, and a models source has none.
 *
 * <h2>Online accuracy (side output {@link #ONLINE_ACCURACY})</h2>
 * With retraining on, each prediction is judged as it is made ({@link OnlineAccuracy}) and counted per event-time
 * window. The tallies leave as {@link AccuracyTally} records: those of the windows a watermark completes before the
 * watermark is forwarded, the rest at each checkpoint barrier (partial: the training report sums them), so nothing
 * of them is in this operator's checkpoint.
 */
public final class MicroBatchStepOperator extends AbstractStreamOperator<Prediction>
        implements
            TwoInputStreamOperator<ModelInput, ModelUpdate, Prediction>,
            Triggerable<String, VoidNamespace>,
            BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    /** Name of the keyed ValueState holding each key's {@link KeyState}. */
    public static final String STATE_NAME = "key-state";
    /** Name of the union operator state holding the serving model ({@link ActiveModelState}). */
    public static final String ACTIVE_MODEL_STATE = "active-model";
    /** Name of the union operator state holding the model updates received and not yet applied. */
    public static final String PENDING_UPDATES_STATE = "pending-model-updates";
    static final String TTL_TIMERS = "key-expiry";
    /** Rejected model snapshots, as BAD_MODEL_SNAPSHOT or UNTRUSTED_MODEL_SNAPSHOT dead letters. */
    public static final OutputTag<DeadLetter> MODEL_DEAD_LETTERS = new OutputTag<>("model-dead-letters",
            new AvroTypeInfo<>(DeadLetter.class));

    /** Per-window tallies of the judged predictions ({@link OnlineAccuracy}), for the training report. */
    public static final OutputTag<AccuracyTally> ONLINE_ACCURACY = new OutputTag<>("online-accuracy",
            TypeInformation.of(AccuracyTally.class));

    private final ModelBackend model; // the model the job was built with
    private final StepOperatorOptions options;

    private transient ValueState<KeyState> keyState;
    private transient ListState<ActiveModelState> activeState;
    private transient ListState<ModelUpdate> pendingState;
    private transient boolean restored;
    private transient ModelSwapper swapper;
    private transient MicroBatchPipeline pipeline;
    private transient KeyExpiry expiry;
    private transient StepMetrics metrics;
    private transient StreamRecord<Prediction> out;
    private transient OnlineAccuracy accuracy;

    public MicroBatchStepOperator(ModelBackend model, StepOperatorOptions options) {
        this.model = model;
        this.options = options;
    }

    public static MicroBatchStepOperator fromConfig(ModelBackend model, JobConfig config) {
        return new MicroBatchStepOperator(model, StepOperatorOptions.fromConfig(config));
    }

    public static ListStateDescriptor<ModelUpdate> pendingUpdatesDescriptor() {
        return new ListStateDescriptor<>(PENDING_UPDATES_STATE, TypeInformation.of(ModelUpdate.class));
    }

    public static ListStateDescriptor<ActiveModelState> activeModelDescriptor() {
        return new ListStateDescriptor<>(ACTIVE_MODEL_STATE, TypeInformation.of(ActiveModelState.class));
    }

    public static ValueStateDescriptor<KeyState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, new KeyStateSerializer());
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
        activeState = getOperatorStateBackend().getUnionListState(activeModelDescriptor());
        pendingState = getOperatorStateBackend().getUnionListState(pendingUpdatesDescriptor());
        swapper = new ModelSwapper(model, options.swap(), activeState.get(), pendingState.get());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        activeState.clear();
        activeState.add(swapper.snapshotActive());
        pendingState.update(swapper.snapshotPending());
    }

    @Override
    public void open() throws Exception {
        super.open();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        keyState = getPartitionedState(stateDescriptor());
        expiry = new KeyExpiry(options.ttlMs(), getInternalTimerService(TTL_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
        ModelBackend active = swapper.openActive(subtask);
        var mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(TaskMailbox.MIN_PRIORITY);
        metrics = new StepMetrics(getMetricGroup(), swapper::activeVersion, () -> pipeline == null ? 0 : pipeline.buffered());
        if (restored) {
            metrics.setKeysInState(countKeys());
        }
        out = new StreamRecord<>(null);
        accuracy = new OnlineAccuracy(options.accuracy(), model.outputSize());
        pipeline = new MicroBatchPipeline(options, new KeyedAccess(), getProcessingTimeService(), mailbox, metrics, subtask);
        pipeline.setCompute(compute(active));
        swapper.start(new SwapHost(), mailbox, metrics, subtask);
    }

    /** The serving model's stepper and prediction writer. */
    private BatchCompute compute(ModelBackend active) {
        PredictionWriter writer = new PredictionWriter(active.outputSize(), options.topK(), options.fullOutput(), active.version());
        return new BatchCompute(active.open(options.batchSize()), writer, active.inputSpecs(), model.outputSize(), options.swap(),
                accuracy);
    }

    // Keys are counted once after a restore (rescaling changes which keys are ours), then tracked.
    private long countKeys() throws Exception {
        try (Stream<Object> keys = getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Override
    public void processElement1(StreamRecord<ModelInput> record) throws Exception {
        metrics.eventsIn.inc();
        pipeline.add(record.getValue(), record.getTimestamp(), record.hasTimestamp());
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> record) {
        swapper.offer(record.getValue());
    }

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    /** The models stream has no event time: its watermarks must not hold back the events'. */
    @Override
    public void processWatermark2(Watermark mark) {
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        pipeline.flush();
        emitTallies(accuracy.ended(mark.getTimestamp())); // before the watermark: the report closes these windows at it
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        pipeline.flush(); // the buffer is not in the snapshot: step it into keyed state first
        emitTallies(accuracy.drain()); // neither are the tallies: they go to the report before the barrier
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    private void emitTallies(List<AccuracyTally> tallies) {
        for (AccuracyTally t : tallies) {
            output.collect(ONLINE_ACCURACY, new StreamRecord<>(t));
        }
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            pipeline.flush();
        }
    }

    @Override
    public void finish() throws Exception {
        pipeline.flush();
        swapper.drain();
        emitTallies(accuracy.drain());
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (swapper != null) {
            swapper.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        super.close();
    }

    /** The pipeline's access to keyed state and output, on the task thread. */
    private final class KeyedAccess implements MicroBatchPipeline.Keys {
        @Override
        public KeyState load(MicroBatch.Slot slot) throws Exception {
            setCurrentKey(slot.key);
            return swapper.prepare(slot, keyState.value());
        }

        @Override
        public void store(MicroBatch.Slot slot, long now) throws Exception {
            setCurrentKey(slot.key);
            expiry.touched(slot.state, now);
            keyState.update(slot.state);
            if (slot.isNew) {
                metrics.keyAdded();
            }
        }

        @Override
        public void emit(Prediction p, long timestamp, boolean hasTimestamp) {
            if (hasTimestamp) {
                out.replace(p, timestamp);
            } else {
                out.replace(p);
                out.eraseTimestamp();
            }
            output.collect(out);
        }

        @Override
        public void judged(ModelInput e, Prediction p, byte outcome) {
            accuracy.count(e.eventTime, p.getModelVersion(), outcome);
        }
    }

    /** What a swap does to the pipeline and the output, on the task thread. */
    private final class SwapHost implements ModelSwapper.Host {
        @Override
        public void beforeSwap() throws Exception {
            pipeline.flush(); // the buffered and in-flight events are the old model's
        }

        @Override
        public void swapped(ModelBackend active) {
            pipeline.setCompute(compute(active));
        }

        @Override
        public void rejected(ModelUpdate u, ErrorKind kind, String reason) {
            // Every instance sees the update and rejects it alike: the first one reports it, once.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                LOG.warn("rejected {}; still serving v{}", reason, swapper.activeVersion());
                DeadLetter d = DeadLetters.of(u.source == null ? "" : u.source, u.partition, u.offset, u.key, u.value,
                        kind, reason, options.swap().deadLetterMaxRawBytes(), System.currentTimeMillis());
                output.collect(MODEL_DEAD_LETTERS, new StreamRecord<>(d));
            }
        }
    }

    // --- key expiry

    /** A key's expiry timer: clear the key if it has been idle for the TTL, else move the timer. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String key = timer.getKey();
        if (pipeline.isInFlight(key)) {
            pipeline.completeInFlight(); // the key was seen by a batch in flight: its state must be stored first
            setCurrentKey(key);
        }
        KeyState ks = keyState.value();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        switch (expiry.fired(ks, timer.getTimestamp(), now, pipeline.isBuffered(key))) {
            case UPDATE -> keyState.update(ks);
            case EXPIRE -> {
                keyState.clear();
                metrics.keyExpired();
            }
            case NONE -> {
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    // --- for the harness tests in this package

    StepMetrics metrics() {
        return metrics;
    }

    boolean batchInFlight() {
        return pipeline.batchesInFlight() > 0;
    }

    int batchesInFlight() {
        return pipeline.batchesInFlight();
    }

    long activeVersion() {
        return swapper.activeVersion();
    }

    /** Windows with tallies not yet emitted. */
    int openAccuracyWindows() {
        return accuracy.openWindows();
    }

    int pendingModelUpdates() {
        return swapper.pendingCount();
    }
}
