package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.schemas.Prediction;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

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
 */
public final class MicroBatchStepOperator extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<ModelInput, Prediction>, Triggerable<String, VoidNamespace>, BoundedOneInput {
    private static final long serialVersionUID = 1L;
    /** Name of the keyed ValueState holding each key's {@link KeyState}. */
    public static final String STATE_NAME = "key-state";
    static final String TTL_TIMERS = "key-expiry";

    private final ModelBackend model;
    private final int batchSize;
    private final long batchTimeoutMs;
    private final long ttlMs;
    private final int topK;
    private final boolean fullOutput;

    private transient ValueState<KeyState> keyState;
    private transient InternalTimerService<VoidNamespace> expiryTimers;
    private transient BatchStepper stepper;
    private transient PredictionWriter writer;
    private transient StepMetrics metrics;
    private transient boolean restored;
    private transient boolean flushTimerPending;
    private transient StreamRecord<Prediction> out;

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

        Slot(String key) {
            this.key = key;
        }
    }

    public MicroBatchStepOperator(ModelBackend model, int batchSize, long batchTimeoutMs, long ttlMs, int topK, boolean fullOutput) {
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
    }

    public static MicroBatchStepOperator fromConfig(ModelBackend model, JobConfig config) {
        return new MicroBatchStepOperator(model, config.batchSize(), config.batchTimeoutMs(), config.stateTtl().toMillis(),
                config.topK(), config.fullOutputVector());
    }

    public static ValueStateDescriptor<KeyState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, TypeInformation.of(KeyState.class));
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        keyState = getPartitionedState(stateDescriptor());
        expiryTimers = getInternalTimerService(TTL_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        stepper = model.open(batchSize);
        writer = new PredictionWriter(model.outputSize(), topK, fullOutput, model.version());
        metrics = new StepMetrics(getMetricGroup(), model.version(), () -> buffered);
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
        rowOutputs = new float[batchSize][model.outputSize()];
    }

    // Keys are counted once after a restore (rescaling changes which keys are ours), then tracked.
    private long countKeys() throws Exception {
        try (Stream<Object> keys = getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Override
    public void processElement(StreamRecord<ModelInput> record) throws Exception {
        ModelInput in = record.getValue();
        metrics.eventsIn.inc();
        Slot slot = slots.get(in.key);
        if (slot == null) {
            slot = new Slot(in.key);
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
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Steps every buffered event, round by round, and writes the keys' states back. */
    private void flush() throws Exception {
        int n = buffered;
        if (n == 0) {
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        loadStates();
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
        for (Slot s : slots.values()) {
            setCurrentKey(s.key);
            KeyState ks = keyState.value();
            if (ks == null) {
                ks = KeyState.fresh(model.stateSize());
                s.isNew = true;
            } else if (ks.state.length != model.stateSize()) {
                // State written by a model of another architecture: this model cannot continue it.
                LOG.warn("key '{}' has a state of {} floats, the model needs {}: starting the key afresh", s.key,
                        ks.state.length, model.stateSize());
                ks.state = new float[model.stateSize()];
                ks.step = 0;
            }
            s.state = ks;
        }
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
        boolean features = !model.inputSpec().tokenInput();
        for (int j = from; j < to; j++) {
            int i = order[j];
            ModelInput e = events[i];
            KeyState ks = slotOf[i].state;
            if (e.reset) {
                Arrays.fill(ks.state, 0f);
                ks.step = 0;
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
}
