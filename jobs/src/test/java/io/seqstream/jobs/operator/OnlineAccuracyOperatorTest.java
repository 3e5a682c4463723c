package io.seqstream.jobs.operator;

import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.BACKEND;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.outputs;
import static io.seqstream.jobs.operator.MicroBatchStepOperatorTest.stateEntries;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.report.AccuracyTally;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.schemas.Prediction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stepping operator's online-accuracy side output in Flink's harness: the tallies equal a judgement recomputed
 * here from the emitted predictions (next event's token against the previous top-1 class, resets, an expired key, a
 * swap), a window's tallies leave at the watermark that completes it, the rest at the checkpoint barrier, and
 * nothing of them stays in the operator: no state, no timers.
 */
class OnlineAccuracyOperatorTest {
    static final long W = 1000;
    static final long TTL = 1000;

    private final List<ModelInput> sent = new ArrayList<>();
    /** Keys whose state expired since their last event: their next event judges nothing (it is in {@link #expiredAt}). */
    private final Set<String> expired = new java.util.HashSet<>();
    private final List<ModelInput> expiredAt = new ArrayList<>();

    static MicroBatchStepOperator operator(RetrainTarget target, boolean pipelined) {
        return new MicroBatchStepOperator(BACKEND, StepOperatorOptions.of(3, 10_000, TTL, 3, false).withPipelined(pipelined)
                .withAccuracy(new OnlineAccuracy.Options(true, target, W)));
    }

    private void send(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h, String key, long time,
            int token, boolean reset) throws Exception {
        ModelInput e = ModelInput.token(key, time, token, reset);
        if (expired.remove(key)) {
            expiredAt.add(e);
        }
        sent.add(e);
        h.processElement1(e, time);
    }

    static Map<List<Long>, long[]> sum(List<AccuracyTally> tallies) {
        Map<List<Long>, long[]> m = new TreeMap<>((x, y) -> x.get(0).equals(y.get(0))
                ? Long.compare(x.get(1), y.get(1))
                : Long.compare(x.get(0), y.get(0)));
        for (AccuracyTally t : tallies) {
            long[] s = m.computeIfAbsent(List.of(t.windowEnd, t.modelVersion), k -> new long[2]);
            s[0] += t.right;
            s[1] += t.total;
        }
        return m;
    }

    static List<AccuracyTally> tallies(KeyedTwoInputStreamOperatorTestHarness<String, ModelInput, ModelUpdate, Prediction> h) {
        var q = h.getSideOutput(MicroBatchStepOperator.ONLINE_ACCURACY);
        List<AccuracyTally> out = q == null ? new ArrayList<>() : new ArrayList<>(q.stream().map(StreamRecord::getValue).toList());
        if (q != null) {
            q.clear();
        }
        return out;
    }

    /** The judgement recomputed from the predictions: per key in order, the previous top-1 against the next token. */
    private Map<List<Long>, long[]> expectedNextEvent(List<Prediction> predictions) {
        Map<String, List<Prediction>> byKey = new HashMap<>();
        predictions.forEach(p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Integer> lastTop = new HashMap<>();
        List<AccuracyTally> expected = new ArrayList<>();
        for (ModelInput e : sent) {
            int i = seen.merge(e.key, 1, Integer::sum) - 1;
            Prediction p = byKey.get(e.key).get(i);
            Integer previous = expiredAt.contains(e) ? null : lastTop.get(e.key);
            if (!e.reset && previous != null) {
                expected.add(
                        new AccuracyTally(AccuracyTally.windowEnd(e.eventTime, W), p.getModelVersion(), previous == e.token ? 1 : 0, 1));
            }
            lastTop.put(e.key, p.getTopK().get(0).getClassId());
        }
        return sum(expected);
    }

    @ParameterizedTest(name = "pipelined={0}")
    @ValueSource(booleans = { false, true })
    void nextEventTalliesMatchTheServedPredictionsAndLeaveAtWatermarkAndBarrier(boolean pipelined) throws Exception {
        try (var h = MicroBatchStepOperatorTest.open(operator(RetrainTarget.NEXT_EVENT, pipelined), false)) {
            MicroBatchStepOperator op = (MicroBatchStepOperator) h.getOperator();
            h.setProcessingTime(0);
            int token = 0;
            for (long t = 100; t < 1000; t += 100) { // window [0, 1000): a and b alternate, c once
                send(h, t % 200 == 0 ? "a" : "b", t, token++ % MicroBatchStepOperatorTest.VOCAB, false);
            }
            send(h, "c", 950, 4, false);
            outputs(h);
            h.processWatermark1(new Watermark(998));
            outputs(h);
            List<AccuracyTally> early = tallies(h);
            assertThat(early).as("no window is complete at 998").isEmpty();
            h.processWatermark1(new Watermark(999));
            List<AccuracyTally> first = tallies(h);
            assertThat(first).isNotEmpty().allMatch(t -> t.windowEnd == 1000 && t.modelVersion == 7);
            assertThat(op.openAccuracyWindows()).isZero();

            // window [1000, 2000): a swap to v8, a reset of a, b expires and comes back
            ModelSwapTest.update(h, Snapshots.update(ModelSwapTest.SAME_SHAPES, 8));
            h.setProcessingTime(500);
            send(h, "a", 1100, 5, false);
            send(h, "a", 1200, 6, true);
            send(h, "a", 1300, 7, false);
            outputs(h);
            h.setProcessingTime(1200); // b and c were last stepped at 0: idle for the TTL; a at 500
            assertThat(MicroBatchStepOperatorTest.stateOf(h, "b")).as("b expired").isNull();
            assertThat(MicroBatchStepOperatorTest.stateOf(h, "c")).as("c expired").isNull();
            assertThat(MicroBatchStepOperatorTest.stateOf(h, "a")).as("a lives").isNotNull();
            expired.add("b");
            expired.add("c");
            send(h, "b", 1400, 8, false);
            send(h, "b", 1500, 9, false);
            send(h, "c", 1600, 1, false);
            outputs(h);
            h.prepareSnapshotPreBarrier(1);
            List<AccuracyTally> atBarrier = tallies(h);
            assertThat(atBarrier).as("partial tallies of the open window leave at the barrier").isNotEmpty()
                    .allMatch(t -> t.windowEnd == 2000);
            assertThat(op.openAccuracyWindows()).isZero();
            h.snapshot(1, 1);
            assertThat(op.getOperatorStateBackend().getRegisteredStateNames()).as("no accuracy state")
                    .containsExactlyInAnyOrder(MicroBatchStepOperator.ACTIVE_MODEL_STATE, MicroBatchStepOperator.PENDING_UPDATES_STATE);

            send(h, "a", 1700, 2, false);
            send(h, "a", 2100, 3, false);
            outputs(h);
            h.processWatermark1(new Watermark(Long.MAX_VALUE));
            List<AccuracyTally> last = tallies(h);
            h.endInput1();
            last.addAll(tallies(h));

            List<AccuracyTally> all = new ArrayList<>(first);
            all.addAll(atBarrier);
            all.addAll(last);
            Map<List<Long>, long[]> got = sum(all);
            Map<List<Long>, long[]> want = expectedNextEvent(outputs(h));
            assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
            want.forEach((k, v) -> assertThat(got.get(k)).as("window/version %s", k).containsExactly(v));
            assertThat(want).containsKeys(List.of(1000L, 7L), List.of(2000L, 8L), List.of(3000L, 8L));
            long judged = want.values().stream().mapToLong(v -> v[1]).sum();
            // not judged: the first events of a, b and c, a's reset, b and c after their expiry
            assertThat(judged).isEqualTo(sent.size() - 6);
            assertThat(op.openAccuracyWindows()).isZero();
            assertThat(h.numEventTimeTimers()).as("no event-time timers").isZero();
            assertThat(h.numProcessingTimeTimers()).as("only the expiry timers of live keys").isEqualTo(stateEntries(h, false));
        }
    }

    @ParameterizedTest(name = "pipelined={0}")
    @ValueSource(booleans = { false, true })
    void labelTalliesCountEachLabelledEventOnce(boolean pipelined) throws Exception {
        try (var h = MicroBatchStepOperatorTest.open(operator(RetrainTarget.LABEL, pipelined), false)) {
            List<ModelInput> events = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ModelInput e = ModelInput.token("k" + (i % 4), 300L * i, i % 5, i % 3 == 0 ? -1 : i % 7, i == 6);
                events.add(e);
                h.processElement1(e, e.eventTime);
            }
            h.endInput1();
            h.processWatermark1(new Watermark(Long.MAX_VALUE));
            List<Prediction> predictions = outputs(h);
            Map<String, List<Prediction>> byKey = new HashMap<>();
            predictions.forEach(p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
            Map<String, Integer> seen = new HashMap<>();
            List<AccuracyTally> expected = new ArrayList<>();
            for (ModelInput e : events) {
                Prediction p = byKey.get(e.key).get(seen.merge(e.key, 1, Integer::sum) - 1);
                if (e.label >= 0) {
                    expected.add(new AccuracyTally(AccuracyTally.windowEnd(e.eventTime, W), 7,
                            p.getTopK().get(0).getClassId() == e.label ? 1 : 0, 1));
                }
            }
            Map<List<Long>, long[]> got = sum(tallies(h));
            Map<List<Long>, long[]> want = sum(expected);
            assertThat(want.values().stream().mapToLong(v -> v[1]).sum()).isEqualTo(8);
            assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
            want.forEach((k, v) -> assertThat(got.get(k)).as("window/version %s", k).containsExactly(v));
            assertThat(MicroBatchStepOperatorTest.stateOf(h, "k1").lastTopClass).as("label targets keep no top class").isEqualTo(-1);
        }
    }
}
