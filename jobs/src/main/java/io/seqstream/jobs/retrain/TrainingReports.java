package io.seqstream.jobs.retrain;

import io.seqstream.jobs.io.FlinkFiles;
import io.seqstream.model.train.TrainingReport;
import io.seqstream.schemas.ModelSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The trainer's training report beyond one process: written through Flink's file systems, and rebuilt from the
 * models topic after a restart. Every published candidate carries its round's figures in
 * {@code ModelSnapshot.metrics} ({@code before_accuracy}, {@code after_accuracy}, the loss per epoch as
 * {@code epoch_loss_<n>}), so reading the topic from the start restores every published round; rounds that
 * published nothing were only in the lost process.
 */
public final class TrainingReports {
    static final String EPOCH_LOSS_PREFIX = "epoch_loss_";

    private TrainingReports() {
    }

    /** Writes the report to a path or Flink file system URI. */
    public static void write(TrainingReport report, String location) throws IOException {
        FlinkFiles.write(location, report.html().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds the round that published {@code s}, unless the report already has it (the trainer's own snapshots come
     * back on the models stream) or the snapshot has no round figures (offline publishes, rollbacks). Returns
     * whether a round was added.
     */
    static boolean addPublished(TrainingReport report, ModelSnapshot s) {
        Map<String, Double> m = s.getMetrics();
        Double before = m.get("before_accuracy");
        Double after = m.get("after_accuracy");
        if (before == null || after == null) {
            return false;
        }
        if (report.rounds().stream().anyMatch(r -> r.published() && r.candidateVersion() == s.getVersion())) {
            return false;
        }
        long round = report.rounds().size() + 1L;
        for (int e = 1; m.containsKey(EPOCH_LOSS_PREFIX + e); e++) {
            report.addEpoch(round, e, m.get(EPOCH_LOSS_PREFIX + e));
        }
        report.addRound(new TrainingReport.Round(round, Instant.ofEpochMilli(s.getCreatedAt()),
                s.getParentVersion() == null ? 0 : s.getParentVersion(), s.getVersion(), before, after, true,
                (s.getParentVersion() == null ? "" : "serving v" + s.getParentVersion() + "; ") + "from the models topic (window ending "
                        + Instant.ofEpochMilli(s.getWindowEnd()) + ")"));
        return true;
    }
}
