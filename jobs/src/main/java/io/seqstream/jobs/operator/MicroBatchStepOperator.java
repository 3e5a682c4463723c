package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.model.BatchStepper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * across keys; the synchronous path above is simpler and exact.
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
    private transient BatchStepper stepper;
    private transient PredictionWriter writer;

    // Model updates: checked one at a time on a background thread, applied on the task thread (a mail).
    private transient ArrayDeque<ModelUpdate> pendingUpdates;
    private transient ListState<ModelUpdate> pendingState;
    private transient ExecutorService checker;
    private transient MailboxExecutor mailbox;
    private transient CompletableFuture<SnapshotCheck.Result> checking;
    private transient ModelUpdate checkingUpdate;
    private transient boolean draining;

    // The buffer, in arrival order: event, its record timestamp, its key's slot, and its round (the how-many-th of its key).
    private transient ModelInput[] events;
    private transient long[] timestamps;
    private transient boolean[] hasTimestamp;
    private transient Slot[] slotOf;
    private transient int[] roundOf;
    private transient int buffered;
    private transient int rounds;
    private transient Map<String, Slot> slots; // keys in the buffer, in first-arrival order

    // Scratch for the rounds, sized once.
    private transient int[] order;
    private transient int[] roundStart;
    private transient float[][] rowStates;
    private transient float[][] rowFeatures;
    private transient float[][] rowOutputs;
    private transient int[] rowTokens;
    private transient int[] rowEvent;

    /** One key in the current buffer. */
    private static final class Slot {
        final String key;
        int count;
        KeyState state;
        boolean isNew;
        boolean firstIsReset; // its first buffered event resets the state: nothing to rewarm
        boolean rewarm;

        Slot(String key) {
            this.key = key;
        }
    }

    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput) {
        this(model, batchSize, batchTimeoutMs, ttlMs, topK, fullOutput, SwapOptions.defaults());
    }

    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput,
            SwapOptions swap) {
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
        this.check = new SnapshotCheck(model.inputSpec(), model.outputSize(), swap.onShapeChange());
    }

    public static MicroBatchStepOperator fromConfig(ModelBackend model, JobConfig config) {
        return new MicroBatchStepOperator(model, config.batchSize(), config.batchTimeoutMs(), config.stateTtl().toMillis(),
                config.topK(), config.fullOutputVector(), SwapOptions.fromConfig(config));
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
        metrics = new StepMetrics(getMetricGroup(), () -> activeVersion, () -> buffered);
        if (restored) {
            metrics.setKeysInState(countKeys());
        }
        out = new StreamRecord<>(null);
        events = new ModelInput[batchSize];
        timestamps = new long[batchSize];
        hasTimestamp = new boolean[batchSize];
        slotOf = new Slot[batchSize];
        roundOf = new int[batchSize];
        slots = new LinkedHashMap<>();
        order = new int[batchSize];
        roundStart = new int[batchSize + 2];
        rowStates = new float[batchSize][];
        rowFeatures = new float[batchSize][];
        rowTokens = new int[batchSize];
        rowEvent = new int[batchSize];
        rowOutputs = new float[batchSize][model.outputSize()]; // every accepted model has the job model's output size
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
        stepper = active.open(batchSize);
        writer = new PredictionWriter(active.outputSize(), topK, fullOutput, activeVersion);
    }

    // Keys are counted once after a restore (rescaling changes which keys are ours), then tracked.
    private long countKeys() throws Exception {
        try (Stream<Object> keys = getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Override
    public void processElement1(StreamRecord<ModelInput> record) throws Exception {
        ModelInput in = record.getValue();
        metrics.eventsIn.inc();
        Slot slot = slots.get(in.key);
        if (slot == null) {
            slot = new Slot(in.key);
            slot.firstIsReset = in.reset;
            slots.put(in.key, slot);
        }
        int i = buffered++;
        events[i] = in;
        timestamps[i] = record.getTimestamp();
        hasTimestamp[i] = record.hasTimestamp();
        slotOf[i] = slot;
        roundOf[i] = slot.count++;
        rounds = Math.max(rounds, slot.count);
        if (buffered >= batchSize || batchTimeoutMs == 0) {
            flush();
        } else if (!flushTimerPending) {
            flushTimerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + batchTimeoutMs, t -> {
                flushTimerPending = false;
                flush();
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
            flush(); // the buffered events are the old model's
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
        stepper = active.open(batchSize);
        writer = new PredictionWriter(active.outputSize(), topK, fullOutput, activeVersion);
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
        super.close();
    }

    /** Steps every buffered event, round by round, and writes the keys' states back. */
    private void flush() throws Exception {
        int n = buffered;
        if (n == 0) {
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        loadStates();
        rewarm();
        sortByRound(n);
        for (int r = 0; r < rounds; r++) {
            stepRound(roundStart[r], roundStart[r + 1], now);
        }
        storeStates(now);
        metrics.microBatchSize.update(n);
        Arrays.fill(events, 0, n, null);
        Arrays.fill(slotOf, 0, n, null);
        slots.clear();
        buffered = 0;
        rounds = 0;
    }

    private void loadStates() throws Exception {
        int stateSize = active.stateSize();
        for (Slot s : slots.values()) {
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

    /** A state of an older model version meets the serving one: apply swap.state-policy. */
    private void convert(Slot s, KeyState ks) {
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

    /** Replays the rewarm ring of the keys that need it through the serving model, all keys batched per position. */
    private void rewarm() {
        List<Slot> todo = null;
        int longest = 0;
        for (Slot s : slots.values()) {
            if (s.rewarm) {
                if (todo == null) {
                    todo = new ArrayList<>();
                }
                todo.add(s);
                longest = Math.max(longest, s.state.recentCount);
            }
        }
        if (todo == null) {
            return;
        }
        boolean features = !active.inputSpec().tokenInput();
        int f = features ? active.inputSpec().featureSize() : 0;
        for (int pos = 0; pos < longest; pos++) {
            int rows = 0;
            for (Slot s : todo) {
                KeyState ks = s.state;
                if (pos >= ks.recentCount) {
                    continue;
                }
                int cap = features ? ks.recentFeatures.length / f : ks.recentTokens.length;
                int slot = Math.floorMod(ks.recentNext - ks.recentCount + pos, cap);
                rowStates[rows] = ks.state;
                if (features) {
                    rowFeatures[rows] = Arrays.copyOfRange(ks.recentFeatures, slot * f, slot * f + f);
                } else {
                    rowTokens[rows] = ks.recentTokens[slot];
                }
                rows++;
            }
            if (features) {
                stepper.stepFeatures(rowStates, rowFeatures, rows, rowOutputs);
            } else {
                stepper.stepTokens(rowStates, rowTokens, rows, rowOutputs);
            }
            Arrays.fill(rowStates, 0, rows, null);
            Arrays.fill(rowFeatures, 0, rows, null);
        }
        for (Slot s : todo) {
            s.rewarm = false;
        }
    }

    /** Appends a stepped event to its key's rewarm ring (rewarm policy only); a reset empties the ring first. */
    private void remember(KeyState ks, ModelInput e) {
        int k = swap.rewarmEvents();
        if (e.reset) {
            ks.recentCount = 0;
        }
        if (e.hasFeatures()) {
            int f = e.features.length;
            if (ks.recentFeatures == null || ks.recentFeatures.length != k * f) {
                ks.recentFeatures = new float[k * f];
                ks.recentCount = 0;
                ks.recentNext = 0;
            }
            System.arraycopy(e.features, 0, ks.recentFeatures, ks.recentNext * f, f);
        } else {
            if (ks.recentTokens == null || ks.recentTokens.length != k) {
                ks.recentTokens = new int[k];
                ks.recentCount = 0;
                ks.recentNext = 0;
            }
            ks.recentTokens[ks.recentNext] = e.token;
        }
        ks.recentNext = (ks.recentNext + 1) % k;
        ks.recentCount = Math.min(ks.recentCount + 1, k);
    }

    /** Counting sort of the buffer by round, stable, so each round keeps arrival order. */
    private void sortByRound(int n) {
        Arrays.fill(roundStart, 0, rounds + 1, 0);
        for (int i = 0; i < n; i++) {
            roundStart[roundOf[i] + 1]++;
        }
        for (int r = 0; r < rounds; r++) {
            roundStart[r + 1] += roundStart[r];
        }
        // roundStart[r] is now where round r begins; use rowEvent as the fill cursor per round.
        for (int r = 0; r < rounds; r++) {
            rowEvent[r] = roundStart[r];
        }
        for (int i = 0; i < n; i++) {
            order[rowEvent[roundOf[i]]++] = i;
        }
    }

    private void stepRound(int from, int to, long now) {
        int rows = 0;
        boolean features = !active.inputSpec().tokenInput();
        boolean remember = swap.statePolicy() == SwapStatePolicy.REWARM;
        for (int j = from; j < to; j++) {
            int i = order[j];
            ModelInput e = events[i];
            KeyState ks = slotOf[i].state;
            if (e.reset) {
                Arrays.fill(ks.state, 0f);
                ks.step = 0;
            }
            if (remember) {
                remember(ks, e);
            }
            rowStates[rows] = ks.state;
            if (features) {
                rowFeatures[rows] = e.features;
            } else {
                rowTokens[rows] = e.token;
            }
            rowEvent[rows] = i;
            rows++;
        }
        long t0 = System.nanoTime();
        if (features) {
            stepper.stepFeatures(rowStates, rowFeatures, rows, rowOutputs);
        } else {
            stepper.stepTokens(rowStates, rowTokens, rows, rowOutputs);
        }
        metrics.stepLatencyMicros.update((System.nanoTime() - t0) / 1000);
        for (int row = 0; row < rows; row++) {
            int i = rowEvent[row];
            ModelInput e = events[i];
            KeyState ks = slotOf[i].state;
            ks.step++;
            Prediction p = writer.create(e.key, e.eventTime, ks.step, rowOutputs[row], now);
            if (hasTimestamp[i]) {
                out.replace(p, timestamps[i]);
            } else {
                out.replace(p);
                out.eraseTimestamp();
            }
            output.collect(out);
        }
        metrics.predictionsOut.inc(rows);
        Arrays.fill(rowStates, 0, rows, null);
        Arrays.fill(rowFeatures, 0, rows, null);
    }

    private void storeStates(long now) throws Exception {
        for (Slot s : slots.values()) {
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
        long due = slots.containsKey(timer.getKey()) ? now + ttlMs : ks.lastSeen + ttlMs; // buffered = seen now
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

    /** The version serving now (tests). */
    public long activeVersion() {
        return activeVersion;
    }
}
