package io.seqstream.jobs.operator;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.schemas.Prediction;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The micro-batches of one operator instance: the buffer being filled, the batches in flight, and the step
 * thread. Everything here runs on the task thread except {@link BatchCompute#run}, which runs on the step thread
 * when pipelined; keyed state and output stay with the operator ({@link Keys}).
 *
 * <h2>A batch's life</h2>
 * Events are appended to the filling batch. At a launch (B events buffered, T ms after the first buffered event,
 * or a flush) the batch's keys' states are loaded ({@link Keys#load}), the batch is stepped ({@link BatchCompute}:
 * in rounds, the k-th event of every key in round k, so one stepper call never holds two events of one key), and
 * then finished: each key's state is stored ({@link Keys#store}) and the predictions are emitted, in event order.
 *
 * <h2>Pipelining ({@code batch.pipelined})</h2>
 * The step runs on the step thread while the task thread goes on filling the next batch. At most
 * {@link #MAX_IN_FLIGHT} batches are in flight (launched, predictions not yet emitted): one being stepped, one
 * queued behind it, so the step thread has work while the task thread emits the previous batch. Batches in flight
 * may share keys: a key already in flight takes its state object from the newest batch in flight that has it,
 * not from keyed state, and since the step thread runs batches in launch order, the later step continues from the
 * earlier one's result. Batches are finished in launch order, each storing its keys' state objects; the last
 * store of a key holds its latest state, and no checkpoint or timer reads it in between ({@link #flush()} and
 * {@link #completeInFlight()} first). A finished step is signalled by a mailbox mail; the task thread also waits
 * for the oldest batch when it needs to (a third launch, a flush). The results are those of the unpipelined
 * pipeline, event for event.
 */
final class MicroBatchPipeline {
    /** Batches launched and not yet emitted, at most: one being stepped, one waiting for the step thread. */
    static final int MAX_IN_FLIGHT = 2;

    /** Keyed state and output: the operator's side, on the task thread. */
    interface Keys {
        /** The state of {@code slot}'s key for the serving model (a fresh one when the key has none). */
        KeyState load(MicroBatch.Slot slot) throws Exception;

        /** Stores {@code slot}'s state after its step at processing time {@code now}. */
        void store(MicroBatch.Slot slot, long now) throws Exception;

        /** Emits one prediction, with its event's timestamp when it had one. */
        void emit(Prediction p, long timestamp, boolean hasTimestamp);

        /** Counts the {@link OnlineAccuracy} judgement made with prediction {@code p} of event {@code e}. */
        default void judged(ModelInput e, Prediction p, byte outcome) {
        }
    }

    /** A batch handed to the step thread, and when its step is done. */
    private record InFlight(MicroBatch batch, CompletableFuture<MicroBatch> done) {
    }

    private final int batchSize;
    private final long batchTimeoutMs;
    private final boolean pipelined;
    private final Keys keys;
    private final ProcessingTimeService time;
    private final MailboxExecutor mailbox;
    private final StepMetrics metrics;
    private final ExecutorService stepThread; // null unless pipelined

    private MicroBatch filling;
    private final ArrayDeque<MicroBatch> spares = new ArrayDeque<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>(); // oldest first
    private BatchCompute compute; // the serving model's stepper: replaced only with no batch in flight
    private boolean flushTimerPending;

    MicroBatchPipeline(StepOperatorOptions options, Keys keys, ProcessingTimeService time, MailboxExecutor mailbox, StepMetrics metrics,
            int subtask) {
        this.batchSize = options.batchSize();
        this.batchTimeoutMs = options.batchTimeoutMs();
        this.pipelined = options.pipelined();
        this.keys = keys;
        this.time = time;
        this.mailbox = mailbox;
        this.metrics = metrics;
        this.filling = new MicroBatch(batchSize);
        for (int i = 0; i < (pipelined ? MAX_IN_FLIGHT : 1); i++) {
            spares.add(new MicroBatch(batchSize));
        }
        this.stepThread = pipelined ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-step-" + subtask);
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** The serving model's stepper; set only with no batch in flight (after {@link #flush()}). */
    void setCompute(BatchCompute c) {
        if (!inFlight.isEmpty()) {
            throw new IllegalStateException("the stepper changes only between micro-batches");
        }
        compute = c;
    }

    /** Buffers one event; launches the batch when it is full, else makes sure a timeout will. */
    void add(ModelInput in, long timestamp, boolean hasTimestamp) throws Exception {
        filling.add(in, timestamp, hasTimestamp);
        if (filling.isFull() || batchTimeoutMs == 0) {
            launch();
        } else if (!flushTimerPending) {
            flushTimerPending = true;
            time.registerTimer(time.getCurrentProcessingTime() + batchTimeoutMs, t -> {
                flushTimerPending = false;
                launch();
            });
        }
    }

    /** Events buffered and not yet launched. */
    int buffered() {
        return filling.size;
    }

    /** Whether an event of {@code key} waits in the batch being filled. */
    boolean isBuffered(String key) {
        return filling.contains(key);
    }

    /** Whether a batch in flight has {@code key} (its state is not in keyed state yet). */
    boolean isInFlight(String key) {
        return stateInFlight(key) != null;
    }

    /** Batches launched and not yet emitted. */
    int batchesInFlight() {
        return inFlight.size();
    }

    /** Steps everything buffered and in flight, and emits its predictions, before returning. */
    void flush() throws Exception {
        launch();
        completeInFlight();
    }

    /** Waits for every batch in flight, and finishes them in launch order. */
    void completeInFlight() throws Exception {
        while (!inFlight.isEmpty()) {
            completeOldest();
        }
    }

    void close() {
        if (stepThread != null) {
            stepThread.shutdownNow();
        }
    }

    /**
     * Steps the buffered events: when pipelined, hands them to the step thread and returns (their predictions are
     * emitted when the step is done: by a mail, or earlier when the task thread needs it); otherwise steps and
     * emits them now.
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
        batch.now = time.getCurrentProcessingTime();
        loadStates(batch);
        if (!pipelined) {
            compute.run(batch);
            finish(batch);
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

    /** A mail: finishes every batch at the head of the queue whose step is done, in launch order. */
    private void emitCompleted() throws Exception {
        while (!inFlight.isEmpty() && inFlight.peekFirst().done().isDone()) {
            completeOldest();
        }
    }

    /** Waits for the oldest batch in flight, then finishes it. */
    private void completeOldest() throws Exception {
        InFlight f = inFlight.pollFirst();
        try {
            f.done().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("stepping a micro-batch of " + f.batch().size + " events failed", e.getCause());
        }
        finish(f.batch());
    }

    private void loadStates(MicroBatch batch) throws Exception {
        for (MicroBatch.Slot s : batch.slots.values()) {
            KeyState pending = stateInFlight(s.key);
            // In flight: the step thread steps this batch after that one, so it continues from its result.
            s.state = pending != null ? pending : keys.load(s);
        }
    }

    /** The state object of {@code key} in the newest batch in flight that has it, else null. */
    private KeyState stateInFlight(String key) {
        for (var it = inFlight.descendingIterator(); it.hasNext();) {
            MicroBatch.Slot s = it.next().batch().slots.get(key);
            if (s != null) {
                return s.state;
            }
        }
        return null;
    }

    /** On the task thread, after the step: the keys' states go back into keyed state, the predictions out. */
    private void finish(MicroBatch batch) throws Exception {
        for (MicroBatch.Slot s : batch.slots.values()) {
            keys.store(s, batch.now);
        }
        for (int p = 0; p < batch.predictionCount; p++) {
            int i = batch.predictionEvent[p];
            keys.emit(batch.predictions[p], batch.timestamps[i], batch.hasTimestamp[i]);
            keys.judged(batch.events[i], batch.predictions[p], batch.outcomes[p]);
        }
        metrics.predictionsOut.inc(batch.predictionCount);
        metrics.emitted(batch.predictions, batch.predictionCount, System.currentTimeMillis());
        for (int r = 0; r < batch.stepCalls; r++) {
            metrics.stepLatencyMicros.update(batch.stepMicros[r]);
        }
        metrics.microBatchSize.update(batch.size);
        batch.clear();
        spares.push(batch);
    }
}
