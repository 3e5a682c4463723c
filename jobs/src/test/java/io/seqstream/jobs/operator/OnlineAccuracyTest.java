package io.seqstream.jobs.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.report.AccuracyTally;
import io.seqstream.schemas.Prediction;
import io.seqstream.schemas.TopClass;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The judging and the per-window tallies of {@link OnlineAccuracy}, without Flink. */
class OnlineAccuracyTest {
    static final int OUTPUTS = 10;
    static final long W = 1000;

    static OnlineAccuracy accuracy(RetrainTarget target) {
        return new OnlineAccuracy(new OnlineAccuracy.Options(true, target, W), OUTPUTS);
    }

    /** A prediction whose top-1 class is {@code top}. */
    static Prediction predicts(int top, long version) {
        return new Prediction("k", 0L, version, 1L, List.of(new TopClass(top, 0.9f), new TopClass((top + 1) % OUTPUTS, 0.05f)), null, 0L,
                null, null, null, null, Map.of());
    }

    /** Judges event {@code e} of the key with state {@code ks}, predicting {@code top}, and counts it under {@code version}. */
    static byte step(OnlineAccuracy a, KeyState ks, ModelInput e, int top, long version) {
        byte o = a.judge(e, ks, predicts(top, version));
        a.count(e.eventTime, version, o);
        return o;
    }

    @Test
    void labelTargetJudgesEachEventByItsOwnLabelAndSkipsEventsWithoutAUsableOne() {
        OnlineAccuracy a = accuracy(RetrainTarget.LABEL);
        KeyState ks = KeyState.fresh(4);
        assertThat(step(a, ks, ModelInput.token("k", 100, 1, 3, false), 3, 7)).isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, ks, ModelInput.token("k", 200, 1, 4, false), 3, 7)).isEqualTo(OnlineAccuracy.WRONG);
        assertThat(step(a, ks, ModelInput.token("k", 300, 1, -1, false), 3, 7)).as("no label").isEqualTo(OnlineAccuracy.NONE);
        assertThat(step(a, ks, ModelInput.token("k", 400, 1, OUTPUTS, false), 3, 7)).as("label outside the outputs")
                .isEqualTo(OnlineAccuracy.NONE);
        assertThat(step(a, ks, ModelInput.token("k", 500, 1, 3, true), 3, 7)).as("a reset event has its own label")
                .isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, ks, ModelInput.token("k", 1000, 1, 2, false), 2, 7)).as("next window").isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(ks.lastTopClass).as("label targets keep nothing per key").isEqualTo(-1);
        assertThat(a.drain()).containsExactlyInAnyOrder(new AccuracyTally(1000, 7, 2, 3), new AccuracyTally(2000, 7, 1, 1));
        assertThat(a.openWindows()).isZero();
    }

    @Test
    void nextEventTargetJudgesThePreviousPredictionByTheNextTokenAndSkipsResets() {
        OnlineAccuracy a = accuracy(RetrainTarget.NEXT_EVENT);
        KeyState ks = KeyState.fresh(4);
        assertThat(step(a, ks, ModelInput.token("k", 100, 1, false), 2, 7)).as("nothing predicted yet").isEqualTo(OnlineAccuracy.NONE);
        assertThat(ks.lastTopClass).isEqualTo(2);
        assertThat(step(a, ks, ModelInput.token("k", 200, 2, false), 5, 7)).as("2 was predicted, 2 came").isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, ks, ModelInput.token("k", 300, 4, false), 4, 7)).as("5 was predicted, 4 came").isEqualTo(OnlineAccuracy.WRONG);
        assertThat(step(a, ks, ModelInput.token("k", 400, 4, true), 6, 7)).as("a reset: the old sequence had no next event")
                .isEqualTo(OnlineAccuracy.NONE);
        assertThat(ks.lastTopClass).as("the reset event's own prediction is judged next").isEqualTo(6);
        assertThat(step(a, ks, ModelInput.token("k", 1200, 6, false), 1, 7)).as("settled in the next window")
                .isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(a.drain()).containsExactlyInAnyOrder(new AccuracyTally(1000, 7, 1, 2), new AccuracyTally(2000, 7, 1, 1));
    }

    @Test
    void nextEventTargetOfATwoInputModelIsTheNextEventsTokenInput() {
        OnlineAccuracy a = accuracy(RetrainTarget.NEXT_EVENT);
        KeyState ks = KeyState.fresh(4);
        float[] numbers = { 12.5f, 3f };
        assertThat(step(a, ks, ModelInput.inputs("k", 100, new int[]{ 1 }, numbers, false), 3, 7)).isEqualTo(OnlineAccuracy.NONE);
        assertThat(step(a, ks, ModelInput.inputs("k", 200, new int[]{ 3 }, numbers, false), 5, 7)).as("3 was predicted, 3 came")
                .isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, ks, ModelInput.inputs("k", 300, new int[]{ 4 }, numbers, false), 5, 7)).as("5 was predicted, 4 came")
                .isEqualTo(OnlineAccuracy.WRONG);
        assertThat(step(a, ks, ModelInput.features("k", 400, numbers, false), 5, 7)).as("a feature event has no token to compare")
                .isEqualTo(OnlineAccuracy.NONE);
        assertThat(a.drain()).containsExactly(new AccuracyTally(1000, 7, 1, 2));
    }

    @Test
    void anExpiredOrNewKeyHasNothingToJudgeAndASwapCountsUnderTheNewVersion() {
        OnlineAccuracy a = accuracy(RetrainTarget.NEXT_EVENT);
        KeyState ks = KeyState.fresh(4);
        step(a, ks, ModelInput.token("k", 100, 1, false), 3, 7);
        // the key expired: its state is gone, the next event starts a fresh one
        KeyState again = KeyState.fresh(4);
        assertThat(step(a, again, ModelInput.token("k", 200, 3, false), 3, 7)).isEqualTo(OnlineAccuracy.NONE);
        // a swap to v8 keeps the key's state object (keep policy) and with it the last prediction of v7
        assertThat(step(a, again, ModelInput.token("k", 300, 3, false), 9, 8)).isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, again, ModelInput.token("k", 400, 9, false), 9, 8)).isEqualTo(OnlineAccuracy.RIGHT);
        assertThat(step(a, again, ModelInput.token("k", 500, 0, false), 9, 8)).isEqualTo(OnlineAccuracy.WRONG);
        assertThat(a.drain()).containsExactly(new AccuracyTally(1000, 8, 2, 3));
    }

    @Test
    void aWatermarkHandsOutTheWindowsItCompletesOnly() {
        OnlineAccuracy a = accuracy(RetrainTarget.LABEL);
        KeyState ks = KeyState.fresh(4);
        step(a, ks, ModelInput.token("k", 999, 1, 3, false), 3, 7); // last ms of [0, 1000)
        step(a, ks, ModelInput.token("k", 1000, 1, 3, false), 1, 7); // first ms of [1000, 2000)
        step(a, ks, ModelInput.token("k", -1, 1, 3, false), 3, 7); // before the epoch: [-1000, 0)
        assertThat(a.ended(-2)).isEmpty();
        assertThat(a.ended(-1)).containsExactly(new AccuracyTally(0, 7, 1, 1));
        assertThat(a.ended(998)).isEmpty();
        assertThat(a.ended(999)).containsExactly(new AccuracyTally(1000, 7, 1, 1));
        assertThat(a.ended(999)).as("handed out once").isEmpty();
        assertThat(a.openWindows()).isOne();
        assertThat(a.ended(Long.MAX_VALUE)).containsExactly(new AccuracyTally(2000, 7, 0, 1));
        assertThat(AccuracyTally.windowEnd(-1, W)).isZero();
        assertThat(AccuracyTally.windowEnd(0, W)).isEqualTo(W);
    }

    @Test
    void offJudgesNothingAndTouchesNoKey() {
        OnlineAccuracy a = new OnlineAccuracy(OnlineAccuracy.Options.off(), OUTPUTS);
        KeyState ks = KeyState.fresh(4);
        assertThat(step(a, ks, ModelInput.token("k", 100, 1, 1, false), 1, 7)).isEqualTo(OnlineAccuracy.NONE);
        assertThat(ks.lastTopClass).isEqualTo(-1);
        assertThat(a.drain()).isEmpty();
    }
}
