package io.seqstream.jobs.operator;

import io.seqstream.jobs.config.SwapStatePolicy;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.InputSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Steps a loaded {@link MicroBatch} with one model: rewarms the keys that need it, then steps the events in
 * rounds (the k-th event of every key goes into round k, so no stepper call holds two events of one key and
 * each key's events run in arrival order), updating the keys' states and step counts in place and building
 * the predictions. No Flink here: it runs on the task thread, or on the operator's step thread when the
 * operator is pipelined. One per serving model; not thread-safe (one batch at a time).
 */
final class BatchCompute {
    /**
     * Rows per stepper call. A round of a micro-batch goes to the stepper in chunks of this many keys: their
     * outputs (e.g. 64 x 1,000 floats) stay in the core's L2 cache next to the weights until top-k reads them,
     * and the kernels step 64 rows as fast per row as 256 (docs/BENCHMARKS.md).
     */
    static final int CHUNK = 64;

    private final BatchStepper stepper;
    private final PredictionWriter writer;
    private final boolean features;
    private final int featureSize;
    /** Several inputs per event: token ids and concatenated features per event (ModelInput.tokens / features). */
    private final boolean multi;
    private final int tokenCount;
    private final SwapStatePolicy statePolicy;
    private final int rewarmEvents;
    private final OnlineAccuracy accuracy;

    // Scratch, sized once.
    private final int[] order;
    private final int[] roundStart;
    private final int[] cursor;
    private final float[][] rowStates;
    private final float[][] rowFeatures;
    private final float[][] rowOutputs;
    private final int[] rowTokens;
    private final int[][] rowTokenSets;
    private final int[] rowEvent;

    BatchCompute(BatchStepper stepper, PredictionWriter writer, InputSpec input, int outputSize, SwapOptions swap) {
        this(stepper, writer, List.of(input), outputSize, swap, new OnlineAccuracy(OnlineAccuracy.Options.off(), outputSize));
    }

    /**
     * {@code inputs}: the model's inputs per event, in order (several: multi-input events); {@code accuracy} judges each
     * prediction as it is made ({@link MicroBatch#outcomes}).
     */
    BatchCompute(BatchStepper stepper, PredictionWriter writer, List<InputSpec> inputs, int outputSize, SwapOptions swap,
            OnlineAccuracy accuracy) {
        this.accuracy = accuracy;
        this.stepper = stepper;
        this.writer = writer;
        this.multi = inputs.size() > 1;
        this.tokenCount = (int) inputs.stream().filter(InputSpec::tokenInput).count();
        this.features = tokenCount < inputs.size();
        // Floats per event: all feature inputs' vectors, concatenated.
        this.featureSize = inputs.stream().filter(i -> !i.tokenInput()).mapToInt(InputSpec::featureSize).sum();
        this.statePolicy = swap.statePolicy();
        this.rewarmEvents = swap.rewarmEvents();
        int b = stepper.maxBatch();
        int rows = Math.min(b, CHUNK);
        order = new int[b];
        roundStart = new int[b + 2];
        cursor = new int[b + 1];
        rowStates = new float[rows][];
        rowFeatures = new float[rows][];
        rowOutputs = new float[rows][outputSize];
        rowTokens = new int[rows];
        rowTokenSets = new int[rows][];
        rowEvent = new int[rows];
    }

    /** Steps every event of {@code batch}; its slots' states must be loaded. Fills the batch's predictions. */
    void run(MicroBatch batch) {
        rewarm(batch);
        sortByRound(batch);
        batch.predictionCount = 0;
        batch.stepCalls = 0;
        for (int r = 0; r < batch.rounds; r++) {
            for (int from = roundStart[r], to = roundStart[r + 1]; from < to; from += rowStates.length) {
                stepRows(batch, from, Math.min(to, from + rowStates.length));
            }
        }
    }

    /** Replays the rewarm ring of the keys that need it through the model, all keys batched per position. */
    private void rewarm(MicroBatch batch) {
        List<MicroBatch.Slot> todo = null;
        int longest = 0;
        for (MicroBatch.Slot s : batch.slots.values()) {
            if (s.rewarm) {
                if (todo == null) {
                    todo = new ArrayList<>();
                }
                todo.add(s);
                longest = Math.max(longest, s.state.recent.count); // rewarm is set only with events in the ring
            }
        }
        if (todo == null) {
            return;
        }
        int f = featureSize, t = tokenCount;
        for (int pos = 0; pos < longest; pos++) {
            int rows = 0;
            for (MicroBatch.Slot s : todo) {
                KeyState ks = s.state;
                RewarmRing r = ks.recent;
                if (pos >= r.count) {
                    continue;
                }
                int slot = Math.floorMod(r.next - r.count + pos, ringCapacity(r));
                rowStates[rows] = ks.state;
                if (multi) {
                    rowTokenSets[rows] = t == 0 ? new int[0] : Arrays.copyOfRange(r.tokens, slot * t, slot * t + t);
                    rowFeatures[rows] = f == 0 ? new float[0] : Arrays.copyOfRange(r.features, slot * f, slot * f + f);
                } else if (features) {
                    rowFeatures[rows] = Arrays.copyOfRange(r.features, slot * f, slot * f + f);
                } else {
                    rowTokens[rows] = r.tokens[slot];
                }
                if (++rows == rowStates.length) {
                    step(rows);
                    rows = 0;
                }
            }
            if (rows > 0) {
                step(rows);
            }
            Arrays.fill(rowStates, null);
            Arrays.fill(rowFeatures, null);
            Arrays.fill(rowTokenSets, null);
        }
        for (MicroBatch.Slot s : todo) {
            s.rewarm = false;
        }
    }

    /** Counting sort of the batch by round, stable, so each round keeps arrival order. */
    private void sortByRound(MicroBatch batch) {
        int n = batch.size, rounds = batch.rounds;
        Arrays.fill(roundStart, 0, rounds + 1, 0);
        for (int i = 0; i < n; i++) {
            roundStart[batch.roundOf[i] + 1]++;
        }
        for (int r = 0; r < rounds; r++) {
            roundStart[r + 1] += roundStart[r];
        }
        System.arraycopy(roundStart, 0, cursor, 0, rounds);
        for (int i = 0; i < n; i++) {
            order[cursor[batch.roundOf[i]]++] = i;
        }
    }

    /** Steps the events {@code order[from..to)}, all of one round (so of distinct keys), in one stepper call. */
    private void stepRows(MicroBatch batch, int from, int to) {
        boolean remember = statePolicy == SwapStatePolicy.REWARM;
        int rows = 0;
        for (int j = from; j < to; j++) {
            int i = order[j];
            ModelInput e = batch.events[i];
            KeyState ks = batch.slotOf[i].state;
            if (e.reset) {
                Arrays.fill(ks.state, 0f);
                ks.step = 0;
            }
            if (remember) {
                remember(ks, e);
            }
            rowStates[rows] = ks.state;
            if (multi) {
                rowTokenSets[rows] = e.tokens;
                rowFeatures[rows] = e.features;
            } else if (features) {
                rowFeatures[rows] = e.features;
            } else {
                rowTokens[rows] = e.token;
            }
            rowEvent[rows] = i;
            rows++;
        }
        long t0 = System.nanoTime();
        step(rows);
        batch.stepMicros[batch.stepCalls++] = (System.nanoTime() - t0) / 1000;
        for (int row = 0; row < rows; row++) {
            int i = rowEvent[row];
            ModelInput e = batch.events[i];
            KeyState ks = batch.slotOf[i].state;
            ks.step++;
            int p = batch.predictionCount++;
            batch.predictions[p] = writer.create(e, ks.step, rowOutputs[row], batch.now);
            batch.outcomes[p] = accuracy.judge(e, ks, batch.predictions[p]);
            batch.predictionEvent[p] = i;
        }
        Arrays.fill(rowStates, 0, rows, null);
        Arrays.fill(rowFeatures, 0, rows, null);
        Arrays.fill(rowTokenSets, 0, rows, null);
    }

    private void step(int rows) {
        if (multi) {
            stepper.stepInputs(rowStates, rowTokenSets, rowFeatures, rows, rowOutputs);
        } else if (features) {
            stepper.stepFeatures(rowStates, rowFeatures, rows, rowOutputs);
        } else {
            stepper.stepTokens(rowStates, rowTokens, rows, rowOutputs);
        }
    }

    /** Events the ring holds. */
    private int ringCapacity(RewarmRing r) {
        if (tokenCount > 0 && r.tokens != null) {
            return r.tokens.length / (multi ? tokenCount : 1);
        }
        return r.features.length / featureSize;
    }

    /** Appends a stepped event to its key's rewarm ring (rewarm policy only); a reset empties the ring first. */
    private void remember(KeyState ks, ModelInput e) {
        int k = rewarmEvents;
        // Per event: the token ids and the numbers the ring keeps (a single-input model has one or the other).
        int t = multi ? tokenCount : e.hasFeatures() ? 0 : 1;
        int f = multi ? featureSize : e.hasFeatures() ? e.features.length : 0;
        RewarmRing r = ks.recent;
        if (r != null && e.reset) {
            r.count = 0;
        }
        if (r == null || !r.holds(k * t, k * f)) {
            r = ks.recent = RewarmRing.of(k * t, k * f);
        }
        if (t > 0 && multi) {
            System.arraycopy(e.tokens, 0, r.tokens, r.next * t, t);
        } else if (t > 0) {
            r.tokens[r.next] = e.token;
        }
        if (f > 0) {
            System.arraycopy(e.features, 0, r.features, r.next * f, f);
        }
        r.next = (r.next + 1) % k;
        r.count = Math.min(r.count + 1, k);
    }
}
