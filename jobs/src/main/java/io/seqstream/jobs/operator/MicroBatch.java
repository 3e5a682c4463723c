package io.seqstream.jobs.operator;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.schemas.Prediction;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One micro-batch of the stepping operator: the buffered events in arrival order with their record
 * timestamps, the distinct keys among them ({@link Slot}s, in first-arrival order) and, once stepped, the
 * predictions in emission order. {@link MicroBatchPipeline} owns one that fills and up to
 * {@link MicroBatchPipeline#MAX_IN_FLIGHT} launched ones, reused once their predictions are emitted.
 *
 * <p>Who touches what: the task thread adds events, loads the slots' states, and later stores the states and
 * emits the predictions; in between, {@link BatchCompute} (on the step thread when pipelined) steps it. The
 * hand-over goes through a future, so each side sees the other's writes.
 */
final class MicroBatch {
    /** One key of the batch. */
    static final class Slot {
        final String key;
        /** Events of this key in the batch. */
        int count;
        /** The key's state, loaded before the batch is stepped. */
        KeyState state;
        /** No state existed: the batch creates the key. */
        boolean isNew;
        /** Its first buffered event resets the state: nothing to rewarm. */
        boolean firstIsReset;
        /** The state was converted to the serving model and must be rewarmed before the key's events. */
        boolean rewarm;

        Slot(String key) {
            this.key = key;
        }
    }

    final ModelInput[] events;
    final long[] timestamps;
    final boolean[] hasTimestamp;
    final Slot[] slotOf;
    /** How-many-th event of its key each event is: its round. */
    final int[] roundOf;
    final Map<String, Slot> slots = new LinkedHashMap<>();
    int size;
    int rounds;

    // Results of stepping, read by the task thread after the hand-over.
    /** Predictions in emission order (round by round, arrival order within a round). */
    final Prediction[] predictions;
    /** Event index of each prediction, for its record timestamp. */
    final int[] predictionEvent;
    int predictionCount;
    /** {@link OnlineAccuracy} judgement of each prediction. */
    final byte[] outcomes;
    /** Duration of each stepper call (a round takes one call per {@link BatchCompute#CHUNK} keys), in µs. */
    final long[] stepMicros;
    int stepCalls;
    /** Processing time of the batch (Prediction.processingTime, the keys' lastSeen). */
    long now;

    MicroBatch(int capacity) {
        events = new ModelInput[capacity];
        timestamps = new long[capacity];
        hasTimestamp = new boolean[capacity];
        slotOf = new Slot[capacity];
        roundOf = new int[capacity];
        predictions = new Prediction[capacity];
        predictionEvent = new int[capacity];
        outcomes = new byte[capacity];
        stepMicros = new long[capacity];
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean isFull() {
        return size == events.length;
    }

    /** Appends an event (the batch must not be full). */
    void add(ModelInput in, long timestamp, boolean hasTs) {
        Slot slot = slots.get(in.key);
        if (slot == null) {
            slot = new Slot(in.key);
            slot.firstIsReset = in.reset;
            slots.put(in.key, slot);
        }
        int i = size++;
        events[i] = in;
        timestamps[i] = timestamp;
        hasTimestamp[i] = hasTs;
        slotOf[i] = slot;
        roundOf[i] = slot.count++;
        rounds = Math.max(rounds, slot.count);
    }

    boolean contains(String key) {
        return slots.containsKey(key);
    }

    /** Forgets everything, keeping the arrays. */
    void clear() {
        Arrays.fill(events, 0, size, null);
        Arrays.fill(slotOf, 0, size, null);
        Arrays.fill(predictions, 0, predictionCount, null);
        slots.clear();
        size = 0;
        rounds = 0;
        predictionCount = 0;
        stepCalls = 0;
    }
}
