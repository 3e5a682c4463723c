package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelShape;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.jobs.validate.DeadLetters;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.operators.MailboxExecutor;
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
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.util.OutputTag;

/**
 * Steps the model for many keys at once: a keyed operator that buffers events and steps them in
 * micro-batches, keeping each key's recurrent state in Flink keyed state.
 *
 * <h2>How one batch reaches the state of many keys</h2>
 * A {@code KeyedProcessFunction} sees one key at a time, so it cannot hand a batch of keys to the model.
 * This operator runs on the keyed stream ({@code keyBy(key)}) but takes control of the key context itself:
 * <ol>
 *   <li>{@link #processElement} only appends the event (and its key) to an in-memory buffer;</li>
 *   <li>at a flush (B events buffered, T ms after the first buffered event, before a checkpoint barrier,
 *       before a watermark, at end of input), it calls {@link #setCurrentKey} for each distinct key in the
 *       buffer and reads that key's {@link KeyState} from the {@link ValueState}: Flink's keyed state is
 *       addressed by "current key", which an operator may set freely for keys of its own key groups, and
 *       every buffered key is one of ours because it arrived through {@code keyBy};</li>
 *   <li>it steps the buffer in rounds: the k-th event of every key goes into round k, so one stepper call
 *       never holds two events of one key, and a key's events run in arrival order in successive calls;</li>
 *   <li>it sets each key again and writes its state back with {@code update()} (needed for RocksDB, where
 *       {@code value()} returns a copy), then emits the predictions.</li>
 * </ol>
 * Flink 2's async state API would also allow this, but its per-record callbacks complicate batching
 * across keys; the synchronous path above is simpler and exact. {@link BatchCompute} does step 3 and knows
 * nothing of Flink; {@link MicroBatch} holds one batch.
 *
 * <h2>Pipelining ({@code batch.pipelined})</h2>
 * The arithmetic of a step is a large share of the work per event, and the task thread has plenty of its own
 * (deserializing the input, keyed state, serializing predictions into the Kafka sink). So step 3 runs on a
 * step thread of this operator while the task thread goes on buffering the next batch. Only state access and
 * output stay on the task thread: it loads the keys' states before handing a batch over (step 2), and stores
 * them and emits the predictions (step 4) when the step is done, signalled by a mailbox mail, or earlier when
 * it needs to. Two batches may be in flight (one stepped, one queued behind it), so the step thread has work
 * while the task thread emits the previous batch. A key in both takes its state object from the earlier one
 * instead of keyed state: the step thread runs batches in launch order, so the later step continues from the
 * earlier one's result (batches of hundreds of events over thousands of keys nearly always share a key, so
 * waiting for the earlier batch instead would undo the overlap). Batches are emitted in launch order, each
 * storing its keys' state objects; the last store of a key holds its latest state, and no checkpoint or timer
 * reads it in between. Whatever needs every earlier event stepped (a barrier, a
 * watermark, a model swap, end of input, the expiry timer of a key in flight) completes the batches in
 * flight first. The results are those of the unpipelined operator, event for event.
 *
 * <h2>Checkpoints and order</h2>
 * The buffer is never part of a checkpoint: {@link #prepareSnapshotPreBarrier} flushes it before the
 * barrier is forwarded, so every event before the barrier is stepped into keyed state and its prediction
 * is emitted before the barrier. A watermark flushes the buffer first too, so no prediction falls behind
 * a watermark that its event preceded.
 *
 * <h2>Idle keys</h2>
 * Each key with state has one processing-time timer. When it fires and the key has been idle for
 * {@code state.ttl}, the state entry is cleared; otherwise the timer moves to the new expiry.
 *
 * <h2>Hot model swap (second input)</h2>
 * The second input is the broadcast stream of {@link ModelUpdate}s (the models topic, and this job's trainer):
 * every parallel instance sees every update, at its own place between events. An update is checked first
 * ({@link SnapshotCheck}: checksum, version above the serving one, finite weights, same input and outputs,
 * state shapes), on a background thread, because loading a model takes milliseconds to seconds and the events
 * must not wait for it; updates are checked one at a time, in arrival order. A rejected one becomes a dead
 * letter on {@link #MODEL_DEAD_LETTERS} (from subtask 0 only: every instance rejects it alike) and the serving
 * model stays. An accepted one is applied on the task thread (a mailbox mail) <em>between</em> micro-batches:
 * the buffer is flushed with the old model, then the stepper is replaced. So no event is dropped or stepped twice, every Prediction carries the version
 * that computed it, and each key's predictions switch version exactly once per swap.
 *
 * <p>Key states are converted lazily: each {@link KeyState} records the version that computed it, and at the
 * key's next micro-batch a state of an older version follows {@code swap.state-policy}: {@code keep} it (only
 * when no swap since changed the shapes; otherwise it is reset), {@code reset} it to zeros, or {@code rewarm}
 * it (zeros, then the key's last events since its last reset, kept in the KeyState ring, are replayed
 * through the new model before the key's next event). The swap itself is O(1) whatever the key count.
 * The step count goes on across swaps: it counts the key's events, not the model's.
 *
 * <p>The serving version and, when it came from a snapshot, its bytes are operator state
 * ({@link ActiveModelState}), so a restore resumes with the same model; so are the updates received and not
 * yet applied (their source offsets are past them), which a restored instance checks again. The watermarks of the second input
 * are ignored: event time is the events' business, and a models source has none.
 */
public final class MicroBatchStepOperator extends AbstractStreamOperator<Prediction>
        implements TwoInputStreamOperator<ModelInput, ModelUpdate, Prediction>, Triggerable<String, VoidNamespace>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    /** Name of the keyed ValueState holding each key's {@link KeyState}. */
    public static final String STATE_NAME = "key-state";
    /** Name of the union operator state holding the serving model ({@link ActiveModelState}). */
    public static final String ACTIVE_MODEL_STATE = "active-model";
    /** Name of the union operator state holding the model updates received and not yet applied. */
    public static final String PENDING_UPDATES_STATE = "pending-model-updates";
    static final String TTL_TIMERS = "key-expiry";
    /** Rejected model snapshots, as BAD_MODEL_SNAPSHOT dead letters. */
    public static final OutputTag<DeadLetter> MODEL_DEAD_LETTERS = new OutputTag<>("model-dead-letters",
            new AvroTypeInfo<>(DeadLetter.class));

    private final ModelBackend model; // the model the job was built with
    private final int batchSize;
    private final long batchTimeoutMs;
    private final long ttlMs;
    private final int topK;
    private final boolean fullOutput;
    private final SwapOptions swap;
    private final boolean pipelined;
    private final SnapshotCheck check;

    private transient ValueState<KeyState> keyState;
    private transient ListState<ActiveModelState> activeState;
    private transient ActiveModelState restoredActive;
    private transient InternalTimerService<VoidNamespace> expiryTimers;
    private transient StepMetrics metrics;
    private transient boolean restored;
    private transient boolean flushTimerPending;
    private transient StreamRecord<Prediction> out;

    // The serving model: changed only between micro-batches.
    private transient ModelBackend active;
    private transient long activeVersion;
    private transient String activeShape; // null when unknown (a backend without model-file bytes)
    private transient long lastShapeChangeVersion;

    // Model updates: checked one at a time on a background thread, applied on the task thread (a mail).
    private transient ArrayDeque<ModelUpdate> pendingUpdates;
    private transient ListState<ModelUpdate> pendingState;
    private transient ExecutorService checker;
    private transient MailboxExecutor mailbox;
    private transient CompletableFuture<SnapshotCheck.Result> checking;
    private transient ModelUpdate checkingUpdate;
    private transient boolean draining;

    // Micro-batches: one fills on the task thread while the other is stepped (on the step thread when pipelined).
    private transient MicroBatch filling;
    private transient ArrayDeque<MicroBatch> spares;
    private transient ArrayDeque<InFlight> inFlight; // launched, predictions not yet emitted; oldest first
    /** Batches launched and not yet emitted, at most: one being stepped, one waiting for the step thread. */
    static final int MAX_IN_FLIGHT = 2;
    private transient BatchCompute compute; // the serving model's stepper: replaced only with no batch in flight
    private transient ExecutorService stepThread; // null unless pipelined

    /** Steps on the task thread (not pipelined), default swap options. */
    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput) {
        this(model, batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, SwapOptions.defaults(), false);
    }

    /** Steps on the task thread (not pipelined). */
    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput,
            SwapOptions swap) {
        this(model, batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, swap, false);
    }

    /**
     * @param pipelined step each micro-batch on the operator's own step thread while the task thread buffers the
     *                  next one and emits the previous one's predictions ({@code batch.pipelined}); false steps on the
     *                  task thread
     */
    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput,
            SwapOptions swap, boolean pipelined) {
        if (batchSize < 1 || batchTimeoutMs < 0 || ttlMs < 0 || topK < 1) {
            throw new IllegalArgumentException("batchSize >= 1, batchTimeoutMs >= 0, ttlMs >= 0, topK >= 1 needed, got "
                    + batchSize + ", " + batchTimeoutMs + ", " + ttlMs + ", " + topK);
        }
        this.model = model;
        this.batchSize = batchSize;
        this.batchTimeoutMs = batchTimeoutMs;
        this.ttlMs = ttlMs;
        this.topK = topK;
        this.fullOutput = fullOutput;
        this.swap = swap;
        this.pipelined = pipelined;
        this.check = new SnapshotCheck(model.inputSpec(), model.outputSize(), swap.onShapeChange());
    }

    public static MicroBatchStepOperator fromConfig(ModelBackend model, JobConfig config) {
        return new MicroBatchStepOperator(model, config.batchSize(), config.batchTimeoutMs(), config.stateTtl().toMillis(),
                config.topK(), config.fullOutputVector(), SwapOptions.fromConfig(config), config.batchPipelined());
    }

    public static ListStateDescriptor<ModelUpdate> pendingUpdatesDescriptor() {
        return new ListStateDescriptor<>(PENDING_UPDATES_STATE, TypeInformation.of(ModelUpdate.class));
    }

    public static ListStateDescriptor<ActiveModelState> activeModelDescriptor() {
        return new ListStateDescriptor<>(ACTIVE_MODEL_STATE, TypeInformation.of(ActiveModelState.class));
    }

    public static ValueStateDescriptor<KeyState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(KeyState.class));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
        activeState = getOperatorStateBackend().getUnionListState(activeModelDescriptor());
        restoredActive = null;
        for (ActiveModelState a : activeState.get()) { // one entry per subtask of the checkpoint, all alike
            if (restoredActive == null || a.version > restoredActive.version) {
                restoredActive = a;
            }
        }
        // Updates some instance had received but not applied: every instance checks them again (newer ones apply,
        // the rest are stale). Union state, so a rescaled job loses none.
        pendingState = getOperatorStateBackend().getUnionListState(pendingUpdatesDescriptor());
        pendingUpdates = new ArrayDeque<>();
        List<byte[]> seen = new ArrayList<>();
        for (ModelUpdate u : pendingState.get()) {
            if (seen.stream().noneMatch(b -> Arrays.equals(b, u.value))) {
                seen.add(u.value);
                pendingUpdates.addLast(u);
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        activeState.clear();
        byte[] bytes = active == model ? null : active.modelFileBytes().orElse(null);
        activeState.add(new ActiveModelState(activeVersion, bytes, lastShapeChangeVersion));
        pendingState.update(new ArrayList<>(pendingUpdates));
    }

    @Override
    public void open() throws Exception {
        super.open();
        keyState = getPartitionedState(stateDescriptor());
        expiryTimers = getInternalTimerService(TTL_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        openActiveModel();
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        checker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-model-check-" + subtask);
            t.setDaemon(true);
            return t;
        });
        mailbox = getContainingTask().getMailboxExecutorFactory().createExecutor(TaskMailbox.MIN_PRIORITY);
        metrics = new StepMetrics(getMetricGroup(), () -> activeVersion, () -> filling == null ? 0 : filling.size);
        if (restored) {
            metrics.setKeysInState(countKeys());
        }
        out = new StreamRecord<>(null);
        filling = new MicroBatch(batchSize);
        spares = new ArrayDeque<>();
        inFlight = new ArrayDeque<>();
        for (int i = 0; i < (pipelined ? MAX_IN_FLIGHT : 1); i++) {
            spares.add(new MicroBatch(batchSize));
        }
        if (pipelined) {
            stepThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "seqstream-step-" + subtask);
                t.setDaemon(true);
                return t;
            });
        }
        startNextCheck();
    }

    /** The job's model, or the one the checkpoint was serving when that is newer. */
    private void openActiveModel() {
        active = model;
        activeVersion = model.version();
        activeShape = model.modelFileBytes().map(b -> ModelShape.signature(ModelFile.fromBytes(b, model.description()))).orElse(null);
        if (restoredActive != null) {
            lastShapeChangeVersion = restoredActive.lastShapeChangeVersion;
            if (restoredActive.version > model.version() && restoredActive.modelBytes != null) {
                String source = "restored model v" + restoredActive.version;
                Model m = ModelFile.fromBytes(restoredActive.modelBytes, source);
                active = StepModelBackend.of(m, restoredActive.modelBytes, restoredActive.version, source);
                activeVersion = restoredActive.version;
                activeShape = ModelShape.signature(m);
                LOG.info("subtask {}: resuming with model v{} from the checkpoint (the job was built with v{})",
                        getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), activeVersion, model.version());
            } else if (restoredActive.version > model.version()) {
                LOG.warn("the checkpoint served model v{} but holds no bytes for it: serving the job's v{}", restoredActive.version,
                        model.version());
            }
        }
        openCompute();
    }

    /** The serving model's stepper and prediction writer; only with no batch in flight. */
    private void openCompute() {
        PredictionWriter writer = new PredictionWriter(active.outputSize(), topK, fullOutput, activeVersion);
        compute = new BatchCompute(active.open(batchSize), writer, active.inputSpec(), model.outputSize(), swap);
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
        filling.add(record.getValue(), record.getTimestamp(), record.hasTimestamp());
        if (filling.isFull() || batchTimeoutMs == 0) {
            launch();
        } else if (!flushTimerPending) {
            flushTimerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + batchTimeoutMs, t -> {
                flushTimerPending = false;
                launch();
            });
        }
    }

    /**
     * A model update: queued and checked on a background thread (loading a model takes milliseconds to
     * seconds, which must not stall the events), then applied on the task thread between micro-batches.
     * Updates are checked and applied one at a time, in arrival order.
     */
    @Override
    public void processElement2(StreamRecord<ModelUpdate> record) {
        pendingUpdates.addLast(record.getValue());
        startNextCheck();
    }

    private void startNextCheck() {
        if (checking != null || pendingUpdates.isEmpty() || draining) {
            return;
        }
        ModelUpdate u = pendingUpdates.peekFirst();
        long version = activeVersion;
        String shape = activeShape;
        int stateSize = active.stateSize();
        checkingUpdate = u;
        checking = CompletableFuture.supplyAsync(() -> safeCheck(u, version, shape, stateSize), checker);
        checking.thenRun(() -> {
            try {
                mailbox.execute(() -> completeCheck(u), "apply model update from %s", u.origin());
            } catch (RejectedExecutionException e) {
                // the task is closing: finish() applies it, or the checkpoint still holds it
            }
        });
    }

    private SnapshotCheck.Result safeCheck(ModelUpdate u, long version, String shape, int stateSize) {
        try {
            return check.check(u, version, shape, stateSize);
        } catch (RuntimeException | LinkageError e) {
            return new SnapshotCheck.Result.Rejected("model snapshot from " + u.origin() + ": unexpected " + e);
        }
    }

    /** On the task thread: the check of {@code u} is done; reject it or swap, then check the next update. */
    private void completeCheck(ModelUpdate u) throws Exception {
        if (checkingUpdate != u) {
            return; // finish() already took care of it
        }
        SnapshotCheck.Result r = checking.join();
        checking = null;
        checkingUpdate = null;
        pendingUpdates.pollFirst();
        if (r instanceof SnapshotCheck.Result.Stale stale) {
            metrics.modelsStale.inc();
            LOG.info("{}", stale.message());
        } else if (r instanceof SnapshotCheck.Result.Rejected rej) {
            metrics.modelsRejected.inc();
            // Every instance sees the update and rejects it alike: the first one reports it, once.
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                LOG.warn("rejected {}; still serving v{}", rej.message(), activeVersion);
                DeadLetter d = DeadLetters.of(u.source == null ? "" : u.source, u.partition, u.offset, u.key, u.value,
                        ErrorKind.BAD_MODEL_SNAPSHOT, rej.message(), swap.deadLetterMaxRawBytes(), System.currentTimeMillis());
                output.collect(MODEL_DEAD_LETTERS, new StreamRecord<>(d));
            }
        } else {
            flush(); // the buffered and in-flight events are the old model's
            apply((SnapshotCheck.Result.Accepted) r, u);
        }
        startNextCheck();
    }

    /** Checks and applies every queued update now, on the task thread (end of input: nothing is left behind). */
    private void drainUpdates() throws Exception {
        draining = true;
        try {
            while (checking != null || !pendingUpdates.isEmpty()) {
                if (checking == null) {
                    ModelUpdate u = pendingUpdates.peekFirst();
                    checkingUpdate = u;
                    checking = CompletableFuture.completedFuture(safeCheck(u, activeVersion, activeShape, active.stateSize()));
                }
                completeCheck(checkingUpdate);
            }
        } finally {
            draining = false;
        }
    }

    /** Model updates received and not yet applied or rejected (tests). */
    public int pendingModelUpdates() {
        return pendingUpdates.size();
    }

    private void apply(SnapshotCheck.Result.Accepted a, ModelUpdate u) {
        long t0 = System.nanoTime();
        long old = activeVersion;
        active = a.backend();
        activeVersion = a.backend().version();
        activeShape = a.shape();
        if (a.shapeChanged()) {
            lastShapeChangeVersion = activeVersion;
        }
        openCompute();
        long micros = (System.nanoTime() - t0) / 1000;
        metrics.swapped(micros);
        LOG.info("subtask {}: model v{} -> v{} (from {}{}); key states: {}", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                old, activeVersion, u.origin(), a.shapeChanged() ? ", other state shapes" : "",
                a.shapeChanged() && swap.statePolicy() == SwapStatePolicy.KEEP ? "reset (shapes changed)" : swap.statePolicy().configName());
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
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush(); // the buffer is not in the snapshot: step it into keyed state first
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            flush();
        }
    }

    @Override
    public void finish() throws Exception {
        flush();
        drainUpdates();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (checker != null) {
            checker.shutdownNow();
        }
        if (stepThread != null) {
            stepThread.shutdownNow();
        }
        super.close();
    }

    /** A batch handed to the step thread, and when its step is done. */
    private record InFlight(MicroBatch batch, CompletableFuture<MicroBatch> done) {
    }

    /**
     * Steps the buffered events: when pipelined, hands them to the step thread and returns (their predictions
     * are emitted, in launch order, when the step is done: by a mail, or earlier when the task thread needs it);
     * otherwise steps and emits them now. Up to {@link #MAX_IN_FLIGHT} batches are in flight, and only with
     * disjoint keys: a batch with a key of a batch in flight waits for that one to be emitted first, so a key's
     * state is never loaded before its earlier step is stored.
     */
    private void launch() throws Exception {
        if (filling.isEmpty()) {
            return;
        }
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            completeOldest();
        }
        MicroBatch batch = filling;
        filling = spares.pop();
        batch.now = getProcessingTimeService().getCurrentProcessingTime();
        loadStates(batch);
        if (!pipelined) {
            compute.run(batch);
            finishBatch(batch);
            return;
        }
        BatchCompute c = compute;
        CompletableFuture<MicroBatch> done = CompletableFuture.supplyAsync(() -> {
            c.run(batch);
            return batch;
        }, stepThread);
        inFlight.addLast(new InFlight(batch, done));
        done.whenComplete((b, err) -> {
            try {
                mailbox.execute(this::emitCompleted, "emit the predictions of stepped micro-batches");
            } catch (RejectedExecutionException e) {
                // the task is closing: finish() or the checkpoint's flush completes it first
            }
        });
    }

    /** A mail: emits every batch at the head of the queue whose step is done, in launch order. */
    private void emitCompleted() throws Exception {
        while (!inFlight.isEmpty() && inFlight.peekFirst().done().isDone()) {
            completeOldest();
        }
    }

    /** Steps everything buffered and in flight, and emits its predictions, before returning. */
    private void flush() throws Exception {
        launch();
        completeInFlight();
    }

    /** Waits for every batch in flight, and emits them in launch order. */
    private void completeInFlight() throws Exception {
        while (!inFlight.isEmpty()) {
            completeOldest();
        }
    }

    /** Waits for the oldest batch in flight, then stores its keys' states and emits its predictions. */
    private void completeOldest() throws Exception {
        InFlight f = inFlight.pollFirst();
        try {
            f.done().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("stepping a micro-batch of " + f.batch().size + " events failed", e.getCause());
        }
        finishBatch(f.batch());
    }

    /** On the task thread, after the step: the keys' states go back into keyed state, the predictions out. */
    private void finishBatch(MicroBatch batch) throws Exception {
        storeStates(batch);
        for (int p = 0; p < batch.predictionCount; p++) {
            int i = batch.predictionEvent[p];
            if (batch.hasTimestamp[i]) {
                out.replace(batch.predictions[p], batch.timestamps[i]);
            } else {
                out.replace(batch.predictions[p]);
                out.eraseTimestamp();
            }
            output.collect(out);
        }
        metrics.predictionsOut.inc(batch.predictionCount);
        for (int r = 0; r < batch.stepCalls; r++) {
            metrics.stepLatencyMicros.update(batch.stepMicros[r]);
        }
        metrics.microBatchSize.update(batch.size);
        batch.clear();
        spares.push(batch);
    }

    private void loadStates(MicroBatch batch) throws Exception {
        int stateSize = active.stateSize();
        for (MicroBatch.Slot s : batch.slots.values()) {
            KeyState pending = stateInFlight(s.key);
            if (pending != null) {
                s.state = pending; // the step thread steps this batch after that one: it continues from its result
                continue;
            }
            setCurrentKey(s.key);
            KeyState ks = keyState.value();
            if (ks == null) {
                ks = KeyState.fresh(stateSize);
                s.isNew = true;
            } else if (ks.modelVersion != activeVersion && ks.modelVersion != 0) {
                convert(s, ks);
            } else if (ks.state.length != stateSize) {
                // State written by a model of another architecture: this model cannot continue it.
                LOG.warn("key '{}' has a state of {} floats, model v{} needs {}: starting the key afresh", s.key,
                        ks.state.length, activeVersion, stateSize);
                ks.state = new float[stateSize];
                ks.step = 0;
            }
            ks.modelVersion = activeVersion;
            s.state = ks;
        }
    }

    /** The state object of {@code key} in the newest batch in flight that has it, else null. */
    private KeyState stateInFlight(String key) {
        for (var it = inFlight.descendingIterator(); it.hasNext(); ) {
            MicroBatch.Slot s = it.next().batch().slots.get(key);
            if (s != null) {
                return s.state;
            }
        }
        return null;
    }

    /** A state of an older model version meets the serving one: apply swap.state-policy. */
    private void convert(MicroBatch.Slot s, KeyState ks) {
        boolean shapesKept = ks.state.length == active.stateSize() && ks.modelVersion >= lastShapeChangeVersion;
        SwapStatePolicy p = swap.statePolicy();
        if (p == SwapStatePolicy.KEEP && shapesKept) {
            return;
        }
        if (ks.state.length == active.stateSize()) {
            Arrays.fill(ks.state, 0f);
        } else {
            ks.state = new float[active.stateSize()];
        }
        s.rewarm = p == SwapStatePolicy.REWARM && ks.recentCount > 0 && !s.firstIsReset;
        metrics.keysConverted.inc();
    }

    private void storeStates(MicroBatch batch) throws Exception {
        long now = batch.now;
        for (MicroBatch.Slot s : batch.slots.values()) {
            setCurrentKey(s.key);
            KeyState ks = s.state;
            ks.lastSeen = now;
            if (ttlMs > 0 && ks.expiryTimer == 0) {
                ks.expiryTimer = now + ttlMs;
                expiryTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, ks.expiryTimer);
            }
            keyState.update(ks);
            if (s.isNew) {
                metrics.keyAdded();
            }
        }
    }

    /** A key's expiry timer: clear the key if it has been idle for the TTL, else move the timer. */
    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        if (stateInFlight(timer.getKey()) != null) {
            completeInFlight(); // the key was seen by a batch in flight: its state must be stored first
            setCurrentKey(timer.getKey());
        }
        KeyState ks = keyState.value();
        if (ks == null || ks.expiryTimer != timer.getTimestamp()) {
            return; // cleared already, or a timer this key no longer uses
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (ttlMs == 0) { // restored under a configuration without TTL
            ks.expiryTimer = 0;
            keyState.update(ks);
            return;
        }
        long due = filling.contains(timer.getKey()) ? now + ttlMs : ks.lastSeen + ttlMs; // buffered = seen now
        if (due > now) {
            ks.expiryTimer = due;
            expiryTimers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, due);
            keyState.update(ks);
            return;
        }
        keyState.clear();
        metrics.keyExpired();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
        // no event-time timers
    }

    /** Metrics, for tests in this package. */
    StepMetrics metrics() {
        return metrics;
    }

    /** A micro-batch is being stepped, or stepped and its predictions not yet emitted (tests). */
    boolean batchInFlight() {
        return !inFlight.isEmpty();
    }

    /** Micro-batches launched and not yet emitted (tests). */
    int batchesInFlight() {
        return inFlight.size();
    }

    /** The version serving now (tests). */
    public long activeVersion() {
        return activeVersion;
    }
}
