package io.seqstream.jobs.retrain;

import io.seqstream.model.train.TrainingReport;
import java.time.Instant;
import java.util.Arrays;

/**
 * One finished training round as the trainer hands it to the training report ({@link RetrainOperator#ROUNDS}): its
 * loss per epoch, the versions and holdout accuracies of serving model and candidate, whether the candidate was
 * published, and a note. Rounds rebuilt from the models topic after a restart come the same way. A Flink POJO.
 */
public final class RoundResult {
    public long round;
    /** When the round finished (for rebuilt rounds: when the snapshot was created), ms since the epoch. */
    public long at;
    public long servingVersion;
    public long candidateVersion;
    public double accuracyBefore;
    public double accuracyAfter;
    public boolean published;
    public String note = "";
    /** Training loss of epoch 1, 2, ... */
    public double[] epochLoss = new double[0];

    public RoundResult() {
    }

    /** The report's round, and its epochs. */
    public static RoundResult of(TrainingReport.Round r, double[] epochLoss) {
        RoundResult x = new RoundResult();
        x.round = r.round();
        x.at = r.at().toEpochMilli();
        x.servingVersion = r.servingVersion();
        x.candidateVersion = r.candidateVersion();
        x.accuracyBefore = r.accuracyBefore();
        x.accuracyAfter = r.accuracyAfter();
        x.published = r.published();
        x.note = r.note();
        x.epochLoss = epochLoss.clone();
        return x;
    }

    /** Adds this round and its epochs to {@code report}. */
    public void addTo(TrainingReport report) {
        for (int e = 0; e < epochLoss.length; e++) {
            report.addEpoch(round, e + 1, epochLoss[e]);
        }
        report.addRound(new TrainingReport.Round(round, Instant.ofEpochMilli(at), servingVersion, candidateVersion, accuracyBefore,
                accuracyAfter, published, note));
    }

    @Override
    public String toString() {
        return "RoundResult{round " + round + ", v" + servingVersion + " -> v" + candidateVersion + ", published=" + published + ", epochs="
                + Arrays.toString(epochLoss) + "}";
    }
}
