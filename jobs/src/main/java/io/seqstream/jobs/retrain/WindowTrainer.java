package io.seqstream.jobs.retrain;

import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.model.Model;
import io.seqstream.model.train.FineTuner;
import io.seqstream.model.train.SequenceExamples;
import io.seqstream.schemas.ModelSnapshot;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One training round on one window: builds the examples (next-event or labelled), fine-tunes a copy of the
 * serving model with model-core's {@link FineTuner}, compares candidate and serving model on the holdout
 * split of the same window, and decides whether the candidate is published: its holdout accuracy must be
 * at least {@code retrain.min-improvement} above the serving model's, unless {@code retrain.publish-always}.
 * The serving model is never modified. Used by the streaming trainer, the {@code models train} command and
 * the benchmark.
 */
public final class WindowTrainer implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What a round gave: the FineTuner result (null when skipped), the snapshot to publish (null when not), and why. */
    public record Outcome(FineTuner.Result result, ModelSnapshot snapshot, String reason) {
        public boolean published() {
            return snapshot != null;
        }

        public boolean trained() {
            return result != null;
        }
    }

    private final RetrainOptions options;
    private final ModelSigner signer;

    /** Publishes unsigned snapshots. */
    public WindowTrainer(RetrainOptions options) {
        this(options, ModelSigner.unsigned());
    }

    /** Signs the snapshots it publishes with {@code signer}. */
    public WindowTrainer(RetrainOptions options, ModelSigner signer) {
        this.options = options;
        this.signer = signer;
    }

    public RetrainOptions options() {
        return options;
    }

    /** The window's sequences as examples, in a seeded random order (so the holdout split is a random subset). */
    public SequenceExamples examples(TrainingWindow w) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(w.windowEnd));
        int t = options.sequenceLength();
        List<int[]> tokens = new ArrayList<>(w.size());
        List<int[]> labels = new ArrayList<>(w.size());
        for (int i : order) {
            tokens.add(w.tokens[i]);
            if (w.labels != null) {
                labels.add(w.labels[i]);
            }
        }
        return w.labels == null ? SequenceExamples.nextEvent(tokens, t) : SequenceExamples.labelled(tokens, labels, t);
    }

    /**
     * Fine-tunes {@code serving} (version {@code servingVersion}) on {@code w}; a published candidate becomes
     * {@code candidateVersion}. Progress lines (one per epoch) go to {@code progress}.
     */
    public Outcome train(Model serving, long servingVersion, TrainingWindow w, long candidateVersion, Consumer<String> progress) {
        if (w.size() < Math.max(2, options.minSequences())) {
            return new Outcome(null, null, w.size() + " sequences, fewer than retrain.min-sequences=" + options.minSequences());
        }
        String description = String.format(Locale.ROOT, "fine-tuned from v%d on window [%d, %d): %d of %d sequences, %d epochs",
                servingVersion, w.windowStart, w.windowEnd, w.size(), w.offered, options.epochs());
        FineTuner.Result r = FineTuner.fineTune(serving, examples(w), options.fineTunerOptions(w.windowEnd, progress), description);
        double gain = r.accuracyGain();
        String verdict = String.format(Locale.ROOT, "holdout accuracy %.4f -> %.4f (%+.4f, margin %.4f)", r.before().get("accuracy"),
                r.after().get("accuracy"), gain, options.minImprovement());
        if (!options.publishAlways() && !(gain >= options.minImprovement())) {
            return new Outcome(r, null, verdict + ": not published");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        r.before().forEach((k, v) -> metrics.put("before_" + k, v));
        r.after().forEach((k, v) -> metrics.put("after_" + k, v));
        metrics.put("train_sequences", (double) r.trainWindows());
        metrics.put("holdout_sequences", (double) r.holdoutWindows());
        metrics.put("offered_sequences", (double) w.offered);
        metrics.put("train_millis", (double) r.millis());
        // The loss curve travels with the model, so a training report can be rebuilt from the models topic.
        List<Double> loss = r.history().get("loss");
        for (int e = 0; loss != null && e < loss.size(); e++) {
            metrics.put(TrainingReports.EPOCH_LOSS_PREFIX + (e + 1), loss.get(e));
        }
        long start = w.firstEventTime == Long.MAX_VALUE ? w.windowStart : w.firstEventTime; // the oldest training event
        ModelSnapshot s = signer.sign(ModelSnapshots.create(r.candidate(), candidateVersion, servingVersion, start, w.windowEnd, metrics,
                description));
        return new Outcome(r, s, verdict + (options.publishAlways() && gain < options.minImprovement()
                ? ": published (publish-always)"
                : ": published as v" + candidateVersion));
    }
}
