package io.seqstream.jobs.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.RetrainTarget;
import io.seqstream.jobs.config.ShapeChangePolicy;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.report.TrainingReportOperatorTest;
import io.seqstream.jobs.testing.Snapshots;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.train.TrainingReport;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer alone in Flink's two-input harness: a round on its own thread, publish or not by the margin,
 * versions above everything seen on the models stream, following a published model, the window in training
 * kept in the checkpoint, and the report.
 */
public class RetrainOperatorTest {
    static final int V = SessionGenerator.VOCABULARY;
    static final int T = 12;
    static final Model UNTRAINED = model(3);

    @TempDir
    Path dir;

    public static Model model(long seed) {
        Sequential m = new Sequential("retrain-test");
        m.add(Embedding.builder(V, 8).seed(seed).build());
        m.add(LSTM.builder(16).returnSequences(true).seed(seed + 1).build());
        m.add(Dense.builder(V).activation("softmax").seed(seed + 2).build());
        m.build(-1);
        return m;
    }

    static RetrainOptions options(double margin, boolean always, String report) {
        return new RetrainOptions(1000, 1000, RetrainTarget.NEXT_EVENT, T, 4, 1000, 20, 3, 32, 0.02, 0.25, margin, always, report);
    }

    /** Sequences of the demo's session stream: learnable, so fine-tuning an untrained model gains a lot. */
    static TrainingWindow window(long end, int count, long seed) {
        List<TrainingSequence> seqs = new ArrayList<>();
        for (int[] s : new SessionGenerator(11, seed).sequences(count, T + 1)) {
            seqs.add(new TrainingSequence(end - 1000, end, s, null, end - 900));
        }
        return TrainingWindow.of(end - 1000, end, count * 3L, seqs);
    }

    static TwoInputStreamOperatorTestHarness<TrainingWindow, ModelUpdate, ModelSnapshot> open(RetrainOptions o,
            OperatorSubtaskState restore)
            throws Exception {
        RetrainOperator op = new RetrainOperator(new WindowTrainer(o), ModelFile.toBytes(UNTRAINED), 7,
                new SnapshotCheck(InputSpec.tokens(V), V, ShapeChangePolicy.RESET));
        var h = new TwoInputStreamOperatorTestHarness<>(op);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void aBetterCandidateIsPublishedAsTheNextVersionFromTheTrainingThread() throws Exception {
        try (var h = open(options(0.02, false, null), null)) {
            long t0 = System.nanoTime();
            h.processElement1(window(1000, 200, 1), 999);
            assertThat((System.nanoTime() - t0) / 1e6).as("the task thread does not train").isLessThan(500);
            // The result is picked up by the poll timer on the task thread.
            long now = 0;
            long deadline = System.currentTimeMillis() + 120_000;
            while (h.extractOutputValues().isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
                h.setProcessingTime(now += RetrainOperator.POLL_MS);
            }
            List<ModelSnapshot> out = h.extractOutputValues();
            assertThat(out).singleElement().satisfies(s -> {
                assertThat(s.getVersion()).isEqualTo(8);
                assertThat(s.getParentVersion()).isEqualTo(7);
                byte[] bytes = ModelSnapshots.modelBytes(s);
                assertThat(s.getSha256()).isEqualTo(ModelSnapshots.sha256Hex(bytes));
                assertThat(s.getWindowStart()).isEqualTo(100);
                assertThat(s.getWindowEnd()).isEqualTo(1000);
                assertThat(s.getMetrics()).containsKeys("before_accuracy", "after_accuracy", "before_loss", "after_loss",
                        "train_sequences", "holdout_sequences");
                assertThat(s.getMetrics().get("after_accuracy")).isGreaterThan(s.getMetrics().get("before_accuracy") + 0.02);
                Model m = ModelFile.fromBytes(bytes, "v8");
                assertThat(m.provenance().property("version")).contains("8");
                assertThat(m.provenance().property("parentVersion")).contains("7");
                assertThat(StepModel.compile(m).vocabularySize()).isEqualTo(V);
            });
            // The next round fine-tunes v8.
            h.processElement1(window(2000, 200, 2), 1999);
            h.endInput1();
            List<ModelSnapshot> all = h.extractOutputValues();
            assertThat(all).extracting(ModelSnapshot::getVersion).containsExactly(8L, 9L);
            assertThat(all.get(1).getParentVersion()).isEqualTo(8);
            assertThat(((RetrainOperator) h.getOperator()).servingVersion()).isEqualTo(9);
            // Metrics: two rounds, both published; the serving figures are the published candidate's.
            RetrainMetrics m = ((RetrainOperator) h.getOperator()).metrics();
            assertThat(m.rounds.getCount()).isEqualTo(2);
            assertThat(m.published.getCount()).isEqualTo(2);
            assertThat(m.servingModelVersion()).isEqualTo(9);
            assertThat(m.candidateVersion()).isEqualTo(9);
            assertThat(m.servingAccuracy()).isEqualTo(all.get(1).getMetrics().get("after_accuracy"));
            assertThat(m.servingLoss()).isEqualTo(all.get(1).getMetrics().get("after_loss"));
        }
    }

    @Test
    void aCandidateBelowTheMarginIsNotPublishedUnlessPublishAlways() throws Exception {
        try (var h = open(options(0.99, false, null), null)) {
            h.processElement1(window(1000, 100, 1), 999);
            h.endInput1();
            assertThat(h.extractOutputValues()).isEmpty();
            RetrainOperator op = (RetrainOperator) h.getOperator();
            assertThat(op.report().rounds()).singleElement().satisfies(r -> assertThat(r.published()).isFalse());
            assertThat(op.servingVersion()).isEqualTo(7);
            // Not published: the serving model (v7) keeps its own holdout figures, the candidate (v8) has its own.
            RetrainMetrics m = op.metrics();
            assertThat(m.rounds.getCount()).isEqualTo(1);
            assertThat(m.published.getCount()).isZero();
            assertThat(m.servingModelVersion()).isEqualTo(7);
            assertThat(m.candidateVersion()).isEqualTo(8);
            TrainingReport.Round r = op.report().rounds().get(0);
            assertThat(m.servingAccuracy()).isEqualTo(r.accuracyBefore());
            assertThat(m.candidateAccuracy()).isEqualTo(r.accuracyAfter());
            assertThat(m.servingLoss()).isFinite();
        }
        try (var h = open(options(0.99, true, null), null)) {
            h.processElement1(window(1000, 100, 1), 999);
            h.endInput1();
            assertThat(h.extractOutputValues()).extracting(ModelSnapshot::getVersion).containsExactly(8L);
        }
    }

    @Test
    void theTrainerFollowsANewerModelFromTheModelsStreamAndVersionsGoAboveIt() throws Exception {
        try (var h = open(options(0, true, null), null)) {
            h.processElement2(Snapshots.update(model(50), 20), 1);
            h.processElement2(Snapshots.update(model(51), 5), 1); // stale: ignored
            assertThat(((RetrainOperator) h.getOperator()).servingVersion()).isEqualTo(20);
            h.processElement1(window(1000, 60, 1), 999);
            h.endInput1();
            assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
                assertThat(s.getVersion()).isEqualTo(21);
                assertThat(s.getParentVersion()).isEqualTo(20);
            });
        }
    }

    @Test
    void aWindowTooSmallIsSkipped() throws Exception {
        try (var h = open(options(0, true, null), null)) {
            h.processElement1(window(1000, 5, 1), 999);
            h.endInput1();
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void theWindowInTrainingIsInTheCheckpointAndARestoreTrainsItAgain() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = open(options(0, true, null), null)) {
            h.processElement1(window(1000, 200, 1), 999); // the round starts on the training thread
            snapshot = h.snapshot(1, 1);
            assertThat(h.extractOutputValues()).isEmpty();
        }
        try (var h = open(options(0, true, null), snapshot)) {
            h.endInput1();
            assertThat(h.extractOutputValues()).singleElement().satisfies(s -> {
                assertThat(s.getVersion()).isEqualTo(8);
                assertThat(s.getWindowEnd()).isEqualTo(1000);
            });
        }
    }

    /** The rounds the trainer sent on its side output for the report. */
    static List<RoundResult> rounds(TwoInputStreamOperatorTestHarness<TrainingWindow, ModelUpdate, ModelSnapshot> h) {
        var q = h.getSideOutput(RetrainOperator.ROUNDS);
        return q == null ? List.of() : q.stream().map(r -> r.getValue()).toList();
    }

    /** Runs {@code rounds} through the report operator, which writes the page at {@code path}. */
    static void report(List<RoundResult> rounds, String path) throws Exception {
        try (var r = TrainingReportOperatorTest.open(path, null)) {
            for (RoundResult x : rounds) {
                r.processElement1(x, 0);
            }
        }
    }

    @Test
    void theReportShowsLossPerEpochAndAccuracyPerRound() throws Exception {
        Path report = dir.resolve("training-report.html");
        List<RoundResult> rounds;
        try (var h = open(options(0, true, report.toString()), null)) {
            h.processElement1(window(1000, 60, 1), 999);
            h.processElement1(window(2000, 60, 2), 1999);
            h.endInput1();
            rounds = rounds(h);
        }
        assertThat(rounds).extracting(r -> r.round).containsExactly(1L, 2L);
        assertThat(rounds).allSatisfy(r -> assertThat(r.epochLoss).hasSize(3));
        assertThat(rounds.get(0).servingVersion).isEqualTo(7);
        assertThat(rounds.get(0).candidateVersion).isEqualTo(8);
        assertThat(Files.exists(report)).as("the trainer writes no page: the report operator does").isFalse();
        report(rounds, report.toString());
        String html = Files.readString(report);
        assertThat(html).contains("Loss per epoch").contains("Holdout accuracy per round").contains("<svg").contains("serving v7");
        assertThat(html).contains("<td>v8</td>");
    }

    /**
     * After a restart without state the report is rebuilt from the models topic: every published round with its
     * accuracies and loss curve, once (the trainer's own snapshots come back on the stream too), written through
     * Flink's file system to a file:// URI; the holdout gauges come back with it.
     */
    @Test
    void theReportIsRebuiltFromTheModelsTopicAfterARestart() throws Exception {
        List<ModelSnapshot> published;
        TrainingReport.Round first;
        try (var h = open(options(0, true, null), null)) {
            h.processElement1(window(1000, 60, 1), 999);
            h.processElement1(window(2000, 60, 2), 1999);
            h.endInput1();
            published = h.extractOutputValues();
            first = ((RetrainOperator) h.getOperator()).report().rounds().get(0);
        }
        assertThat(published).extracting(ModelSnapshot::getVersion).containsExactly(8L, 9L);
        String uri = dir.resolve("reports/rebuilt.html").toUri().toString(); // file:///..., a folder that does not exist yet
        assertThat(uri).startsWith("file:");
        List<RoundResult> rebuilt;
        try (var h = open(options(0, true, uri), null)) {
            for (ModelSnapshot s : published) {
                h.processElement2(ModelUpdate.fromKafka("models", 0, s.getVersion(), null, AvroCodec.encode(s)), 1);
            }
            h.processElement2(ModelUpdate.fromKafka("models", 0, 99, null, AvroCodec.encode(published.get(1))), 1); // again
            rebuilt = rounds(h);
            assertThat(rebuilt).as("each rebuilt round sent once").extracting(r -> r.candidateVersion).containsExactly(8L, 9L);
            assertThat(rebuilt.get(0).epochLoss).hasSize(3);
            RetrainOperator op = (RetrainOperator) h.getOperator();
            List<TrainingReport.Round> rounds = op.report().rounds();
            assertThat(rounds).extracting(TrainingReport.Round::candidateVersion).containsExactly(8L, 9L);
            assertThat(rounds.get(0).accuracyBefore()).isEqualTo(first.accuracyBefore());
            assertThat(rounds.get(0).accuracyAfter()).isEqualTo(first.accuracyAfter());
            assertThat(rounds).allMatch(TrainingReport.Round::published);
            assertThat(op.metrics().servingModelVersion()).isEqualTo(9);
            assertThat(op.metrics().servingAccuracy()).isEqualTo(published.get(1).getMetrics().get("after_accuracy"));
            assertThat(published.get(0).getMetrics()).containsKeys("epoch_loss_1", "epoch_loss_2", "epoch_loss_3")
                    .doesNotContainKey("epoch_loss_4");
        }
        report(rebuilt, uri);
        String html = Files.readString(dir.resolve("reports/rebuilt.html"));
        assertThat(html).contains("from the models topic").contains("<td>v8</td>").contains("<td>v9</td>")
                .contains("data-series=\"round 1 -&gt; v8\"").contains("class=\"swap\" data-version=\"9\"");
    }
}
