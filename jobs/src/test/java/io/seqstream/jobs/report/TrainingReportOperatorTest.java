package io.seqstream.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.retrain.RoundResult;
import io.seqstream.model.train.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training report operator in Flink's harness: the tallies of two prediction subtasks summed per window, a window
 * finished when the tallies' watermark passes its end (not the rounds' watermark), the gauge, late tallies, the
 * pending sums and finished windows across a snapshot and restore, and the rounds on the page.
 */
public class TrainingReportOperatorTest {
    static final long W = 1000;

    @TempDir
    Path dir;

    public static TwoInputStreamOperatorTestHarness<RoundResult, AccuracyTally, Void> open(String path, OperatorSubtaskState restore)
            throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(new TrainingReportOperator(path, W));
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static TrainingReportOperator op(TwoInputStreamOperatorTestHarness<RoundResult, AccuracyTally, Void> h) {
        return (TrainingReportOperator) h.getOperator();
    }

    static RoundResult round(long n, long serving, long candidate, boolean published) {
        return RoundResult.of(new TrainingReport.Round(n, Instant.parse("2026-12-03T10:00:00Z").plusSeconds(60 * n), serving, candidate,
                0.3, 0.4, published, "round " + n), new double[]{ 1.5, 1.2, 1.1 });
    }

    @Test
    void sumsTheSubtasksFinishesAtTheWatermarkAndSurvivesARestore() throws Exception {
        Path page = dir.resolve("report.html");
        OperatorSubtaskState snapshot;
        try (var h = open(page.toString(), null)) {
            // subtask 0 and 1, window [0, 1000): partial tallies at a barrier, then the rest at the watermark
            h.processElement2(new AccuracyTally(1000, 7, 3, 10), 0);
            h.processElement2(new AccuracyTally(1000, 7, 5, 10), 0);
            h.processElement2(new AccuracyTally(2000, 7, 1, 4), 0);
            h.processElement1(round(1, 7, 8, true), 0);
            h.processWatermark1(new Watermark(Long.MAX_VALUE)); // the trainer's watermark finishes nothing
            assertThat(op(h).report().windows()).isEmpty();
            h.processWatermark2(new Watermark(998));
            assertThat(op(h).report().windows()).isEmpty();
            assertThat(op(h).onlineAccuracy()).isNaN();
            h.processElement2(new AccuracyTally(1000, 7, 2, 5), 0); // subtask 1's last ones
            h.processElement2(new AccuracyTally(1000, 8, 4, 5), 0); // after the swap to v8
            h.processWatermark2(new Watermark(999));
            assertThat(op(h).report().windows()).singleElement().satisfies(w -> {
                assertThat(w.end()).isEqualTo(Instant.ofEpochMilli(1000));
                assertThat(w.start()).isEqualTo(Instant.ofEpochMilli(0));
                assertThat(w.right()).isEqualTo(14);
                assertThat(w.total()).isEqualTo(30);
                assertThat(w.versions()).containsExactly(7L, 8L);
            });
            assertThat(op(h).onlineAccuracy()).isEqualTo(14.0 / 30);
            assertThat(op(h).pendingWindows()).isOne();
            h.processElement2(new AccuracyTally(1000, 8, 1, 1), 0); // late: into the finished window
            assertThat(op(h).report().windows()).singleElement().satisfies(w -> assertThat(w.total()).isEqualTo(31));
            h.processElement2(new AccuracyTally(2000, 8, 2, 4), 0);
            snapshot = h.snapshot(1, 1);
            String html = Files.readString(page);
            assertThat(html).contains("data-series=\"online accuracy\"").contains("<td>v7, v8</td>").contains("<td>0.4839</td>")
                    .contains("round 1");
        }
        try (var h = open(page.toString(), snapshot)) {
            assertThat(op(h).report().windows()).as("finished windows restored").singleElement()
                    .satisfies(w -> assertThat(w.total()).isEqualTo(31));
            assertThat(op(h).onlineAccuracy()).isEqualTo(15.0 / 31);
            assertThat(op(h).report().rounds()).as("rounds come again from the trainer, not from this state").isEmpty();
            h.processElement2(new AccuracyTally(2000, 8, 3, 2), 0);
            h.processWatermark2(new Watermark(1999));
            List<TrainingReport.OnlineWindow> windows = op(h).report().windows();
            assertThat(windows).hasSize(2);
            assertThat(windows.get(1).right()).as("pending sums restored and added to").isEqualTo(1 + 2 + 3);
            assertThat(windows.get(1).total()).isEqualTo(4 + 4 + 2);
            assertThat(windows.get(1).versions()).containsExactly(7L, 8L);
            assertThat(op(h).onlineAccuracy()).isEqualTo(0.6);
            assertThat(op(h).pendingWindows()).isZero();
            assertThat(h.getProcessingTimeService().getNumActiveTimers()).as("no timers").isZero();
            assertThat(h.getOutput()).as("the report emits nothing").isEmpty();
        }
    }

    @Test
    void withoutAReportPathItStillKeepsTheGauge() throws Exception {
        try (var h = open(null, null)) {
            h.processElement2(new AccuracyTally(1000, 7, 1, 4), 0);
            h.processWatermark2(new Watermark(Long.MAX_VALUE));
            assertThat(op(h).onlineAccuracy()).isEqualTo(0.25);
        }
        assertThat(dir).isEmptyDirectory();
    }
}
