package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.BatchStepper;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every test of {@link MicroBatchStepOperatorTest} again with {@code batch.pipelined}: the same predictions,
 * states, expiries and checkpoints when the step runs on the operator's step thread. Plus what only
 * pipelining has: the task thread goes on while a batch is stepped, a step's failure reaches the task thread,
 * and whatever needs every earlier event stepped waits for the batch in flight.
 */
class PipelinedMicroBatchStepOperatorTest extends MicroBatchStepOperatorTest {
    @Override
    boolean pipelined() {
        return true;
    }

    /** The test model, with a stepper that waits for {@link #release} before each step and records its thread. */
    static final class GatedBackend implements ModelBackend {
        private static final long serialVersionUID = 1L;
        static volatile CountDownLatch release = new CountDownLatch(0);
        static volatile CountDownLatch entered = new CountDownLatch(0);
        static final AtomicReference<String> stepThread = new AtomicReference<>();
        static volatile boolean fail;

        @Override
        public InputSpec inputSpec() {
            return BACKEND.inputSpec();
        }

        @Override
        public int stateSize() {
            return BACKEND.stateSize();
        }

        @Override
        public int outputSize() {
            return BACKEND.outputSize();
        }

        @Override
        public long version() {
            return BACKEND.version();
        }

        @Override
        public String description() {
            return "gated " + BACKEND.description();
        }

        @Override
        public BatchStepper open(int maxBatch) {
            BatchStepper inner = BACKEND.open(maxBatch);
            return new BatchStepper() {
                @Override
                public int maxBatch() {
                    return inner.maxBatch();
                }

                @Override
                public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
                    stepThread.set(Thread.currentThread().getName());
                    entered.countDown();
                    try {
                        assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    if (fail) {
                        throw new IllegalStateException("stepper broke on purpose");
                    }
                    inner.stepTokens(states, tokens, n, outputs);
                }

                @Override
                public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    /** Opens the gate from another thread after {@code ms}, while the task thread waits for the step. */
    static Thread openGateIn(long ms) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            GatedBackend.release.countDown();
        });
        t.start();
        return t;
    }

    static MicroBatchStepOperator gated(int batch, long ttlMs) {
        return new MicroBatchStepOperator(new GatedBackend(), StepOperatorOptions.of(batch, 10_000, ttlMs, 3, true).withPipelined(true));
    }

    @Test
    void theTaskThreadBuffersTheNextBatchWhileOneIsSteppedOnTheStepThread() throws Exception {
        GatedBackend.fail = false;
        GatedBackend.release = new CountDownLatch(1);
        GatedBackend.entered = new CountDownLatch(1);
        try (var h = open(gated(2, 0), false)) {
            Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
            List<ModelInput> events = List.of(ev("a", 1), ev("b", 2), ev("a", 3));
            for (ModelInput e : events) {
                sent.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e);
            }
            h.processElement1(events.get(0), 1);
            h.processElement1(events.get(1), 1); // full: handed to the step thread, which waits at the gate
            assertThat(GatedBackend.entered.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(GatedBackend.stepThread.get()).startsWith("seqstream-step-");
            h.processElement1(events.get(2), 2); // the task thread is free: a's next event is buffered meanwhile
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            assertThat(op.batchInFlight()).isTrue();
            assertThat(h.extractOutputValues()).as("nothing emitted while the step runs").isEmpty();
            GatedBackend.release.countDown();
            h.endInput1(); // completes the batch in flight, then steps a's second event
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).extracting(Prediction::getKey).containsExactly("a", "b", "a");
            assertThat(out).extracting(Prediction::getStep).containsExactly(1L, 1L, 2L);
            assertMatchesReference(out, sent);
            assertThat(op.batchInFlight()).isFalse();
        }
    }

    @Test
    void aBarrierWaitsForTheBatchInFlightAndEverythingBeforeIt() throws Exception {
        GatedBackend.fail = false;
        GatedBackend.release = new CountDownLatch(1);
        GatedBackend.entered = new CountDownLatch(1);
        try (var h = open(gated(2, 0), false)) {
            h.processElement1(ev("a", 1), 1);
            h.processElement1(ev("b", 2), 1); // in flight, gated
            h.processElement1(ev("c", 3), 1); // buffered
            assertThat(GatedBackend.entered.await(30, TimeUnit.SECONDS)).isTrue();
            Thread releaser = openGateIn(200);
            h.prepareSnapshotPreBarrier(1); // blocks until the gate opens
            releaser.join();
            assertThat(h.extractOutputValues()).extracting(Prediction::getKey).containsExactly("a", "b", "c");
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        }
    }

    @Test
    void theExpiryTimerOfAKeyInFlightWaitsForItsStep() throws Exception {
        GatedBackend.fail = false;
        GatedBackend.release = new CountDownLatch(1);
        GatedBackend.entered = new CountDownLatch(1);
        try (var h = open(gated(1, 1000), false)) {
            h.setProcessingTime(0);
            GatedBackend.release.countDown();
            h.processElement1(ev("a", 1), 1);
            settle(h); // a stored at 0, expiry timer at 1000
            GatedBackend.release = new CountDownLatch(1);
            h.setProcessingTime(900);
            h.processElement1(ev("a", 2), 2); // in flight (gated) when the timer fires
            Thread releaser = openGateIn(200);
            h.setProcessingTime(1000); // the timer completes a's step first: seen at 900, so it lives on
            releaser.join();
            assertThat(h.numKeyedStateEntries()).as("a was seen at 900: not idle").isEqualTo(1);
            assertThat(h.extractOutputValues()).extracting(Prediction::getStep).containsExactly(1L, 2L);
            h.setProcessingTime(1900);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void aFailedStepFailsTheTaskThread() throws Exception {
        GatedBackend.fail = true;
        GatedBackend.release = new CountDownLatch(0);
        try (var h = open(gated(1, 0), false)) {
            h.processElement1(ev("a", 1), 1); // stepped on the step thread, which throws
            assertThatThrownBy(h::endInput1).hasMessageContaining("stepping a micro-batch of 1 events failed")
                    .hasRootCauseMessage("stepper broke on purpose");
        } finally {
            GatedBackend.fail = false;
        }
    }

    @Test
    void aKeyInTwoBatchesInFlightContinuesFromTheEarlierStepAndAThirdBatchWaits() throws Exception {
        GatedBackend.fail = false;
        GatedBackend.release = new CountDownLatch(1);
        GatedBackend.entered = new CountDownLatch(1);
        try (var h = open(gated(1, 0), false)) {
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            h.processElement1(ev("a", 1), 1); // stepped (gated)
            assertThat(GatedBackend.entered.await(30, TimeUnit.SECONDS)).isTrue();
            h.processElement1(ev("a", 3), 2); // same key: queued at once, on the state object of the first
            assertThat(op.batchesInFlight()).isEqualTo(2);
            Thread releaser = openGateIn(200);
            long t0 = System.nanoTime();
            h.processElement1(ev("b", 2), 3); // two in flight already: waits until the oldest is emitted
            releaser.join();
            assertThat(System.nanoTime() - t0).as("waited for the gate").isGreaterThan(100_000_000L);
            assertThat(h.extractOutputValues()).extracting(Prediction::getKey).startsWith("a");
            h.endInput1();
            List<Prediction> out = h.extractOutputValues();
            assertThat(out).extracting(Prediction::getKey).containsExactly("a", "a", "b");
            assertThat(out).extracting(Prediction::getStep).containsExactly(1L, 2L, 1L);
            assertMatchesReference(out, Map.of("a", List.of(ev("a", 1), ev("a", 3)), "b", List.of(ev("b", 2))));
            assertThat(stateOf(h, "a").step).isEqualTo(2);
            assertThat(op.metrics().keysInState()).as("a counted once").isEqualTo(2);
        }
    }
}
