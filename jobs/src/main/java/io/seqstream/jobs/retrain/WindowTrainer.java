package io.seqstream.jobs.retrain;

import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.stream.StepInput;
import io.seqstream.model.stream.StepModel;
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
     * The window's sequences for a model with several inputs per event (the window has {@code features}): one tensor
     * per model input, in its input order (token ids (n, T), numbers (n, T, F)), then the targets (n, T): the next
     * event's token of the model's one token input, or the labels. Same seeded order as {@link #examples}.
     */
    public List<Tensor> multiInputExamples(Model serving, TrainingWindow w) {
        List<StepInput> inputs = StepModel.compileScalar(serving).inputs();
        int nt = 0, nf = 0;
        for (StepInput in : inputs) {
            if (in.kind() == StepInput.Kind.FEATURES) {
                nf += in.featureSize();
            } else {
                nt++;
            }
        }
        boolean labelled = w.labels != null;
        if (!labelled && nt != 1) {
            throw new IllegalArgumentException("next-event targets need exactly one token input; model '" + serving.name() + "' has " + nt);
        }
        int t = options.sequenceLength(), events = labelled ? t : t + 1, n = w.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(w.windowEnd));
        float[][] xs = new float[inputs.size()][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = new float[n * t * (inputs.get(i).kind() == StepInput.Kind.FEATURES ? inputs.get(i).featureSize() : 1)];
        }
        float[] y = new float[n * t];
        for (int s = 0; s < n; s++) {
            int src = order.get(s);
            int[] tok = w.tokens[src];
            float[] num = w.features[src];
            if (tok.length != events * nt || num.length != events * nf) {
                throw new IllegalArgumentException("window " + w + ": sequence " + src + " has " + tok.length + " token ids and "
                        + num.length + " numbers; " + events + " events of model '" + serving.name() + "' need " + events * nt + " and "
                        + events * nf);
            }
            for (int step = 0; step < t; step++) {
                int ti = 0, fo = 0;
                for (int i = 0; i < xs.length; i++) {
                    StepInput in = inputs.get(i);
                    if (in.kind() == StepInput.Kind.FEATURES) {
                        int f = in.featureSize();
                        System.arraycopy(num, step * nf + fo, xs[i], (s * t + step) * f, f);
                        fo += f;
                    } else {
                        xs[i][s * t + step] = tok[step * nt + ti++];
                    }
                }
                y[s * t + step] = labelled ? w.labels[src][step] : tok[(step + 1) * nt];
            }
        }
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            StepInput in = inputs.get(i);
            out.add(in.kind() == StepInput.Kind.FEATURES ? Tensor.wrap(xs[i], n, t, in.featureSize()) : Tensor.wrap(xs[i], n, t));
        }
        out.add(Tensor.wrap(y, n, t));
        return out;
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
        FineTuner.Options fineTuning = options.fineTunerOptions(w.windowEnd, progress);
        FineTuner.Result r;
        if (w.features == null) {
            r = FineTuner.fineTune(serving, examples(w), fineTuning, description);
        } else {
            List<Tensor> xy = multiInputExamples(serving, w);
            r = FineTuner.fineTune(serving, xy.subList(0, xy.size() - 1), xy.get(xy.size() - 1), fineTuning, description);
        }
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
