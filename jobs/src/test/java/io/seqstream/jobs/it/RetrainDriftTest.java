package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.PredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.metrics.MetricCatalog;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.testing.CapturingReporter;
import io.seqstream.jobs.testing.CollectingSink;
import io.seqstream.jobs.testing.Pace;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.model.FitOptions;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.train.Loss;
import io.seqstream.model.train.Optimizer;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift scenario, broker-free: the whole job (parallelism 2, in-memory events and sinks) on a session
 * stream whose structure changes after two windows. The model was trained on the first structure. With
 * retraining on, the trainer fine-tunes on each 5 s event-time window and the prediction operators swap to
 * each better version; next-event accuracy on the new structure is compared, window by window, with the
 * same model without retraining (model-core predict on the same events, which is what the job computes
 * with retraining off). Across the swaps no event is lost or stepped twice, and each key's predictions
 * switch version once per swap, in publishing order.
 */
class RetrainDriftTest {
    static final int KEYS = 48;
    static final long TICK_MS = 50; // one event per key per tick of event time
    static final long WINDOW_MS = 5_000;
    static final int WINDOWS_A = 2;
    static final int WINDOWS_B = 6;
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % WINDOW_MS;
    static final long STRUCTURE_A = 11;
    static final long STRUCTURE_B = 12;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
            .setConfiguration(CapturingReporter.configure(PredictionJobKafkaTest.flinkConfig())).build());

    /** Embedding(40,12) -> LSTM(32) -> Dense(40), trained in ~1 s on the first structure. */
    static Model trainedOnA() {
        Sequential m = new Sequential("drift");
        m.add(Embedding.builder(SessionGenerator.VOCABULARY, 12).seed(1).build());
        m.add(LSTM.builder(32).returnSequences(true).seed(2).build());
        m.add(Dense.builder(SessionGenerator.VOCABULARY).activation("softmax").seed(3).build());
        m.build(-1);
        m.compile(Loss.SPARSE_CATEGORICAL_CROSSENTROPY, new Optimizer.Adam(0.01), "accuracy");
        int n = 300, len = 25;
        int[][] seqs = new SessionGenerator(STRUCTURE_A, 5).sequences(n, len + 1);
        int[][] x = new int[n][len];
        float[] y = new float[n * len];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < len; t++) {
                x[i][t] = seqs[i][t];
                y[i * len + t] = seqs[i][t + 1];
            }
        }
        m.fit(Tensor.ofTokens(x), Tensor.wrap(y, n, len), FitOptions.builder().epochs(6).batchSize(32).seed(7).quiet().build());
        return m;
    }

    /** Every key emits one event per tick; the chain structure switches from A to B after WINDOWS_A windows. */
    static List<ModelInput> stream() {
        SessionGenerator a = new SessionGenerator(STRUCTURE_A, 100);
        SessionGenerator b = new SessionGenerator(STRUCTURE_B, 100);
        SessionGenerator.Cursor[] cursors = new SessionGenerator.Cursor[KEYS];
        for (int k = 0; k < KEYS; k++) {
            cursors[k] = new SessionGenerator.Cursor();
        }
        List<ModelInput> out = new ArrayList<>();
        long ticks = (WINDOWS_A + WINDOWS_B) * WINDOW_MS / TICK_MS;
        for (long tick = 0; tick < ticks; tick++) {
            long time = T0 + tick * TICK_MS;
            SessionGenerator g = time < T0 + WINDOWS_A * WINDOW_MS ? a : b;
            for (int k = 0; k < KEYS; k++) {
                SessionGenerator.Step s = g.next(cursors[k]);
                out.add(ModelInput.token("key-" + k, time + k, s.token(), s.sessionStart()));
            }
        }
        return out;
    }

    @Test
    @Timeout(240)
    void withRetrainingNextEventAccuracyOnTheNewStructureRisesClearlyAndNoEventIsLostAcrossSwaps() throws Exception {
        CapturingReporter.clear();
        Model model = trainedOnA();
        List<ModelInput> events = stream();
        Path report = Path.of(System.getProperty("java.io.tmpdir"), "drift-report-" + UUID.randomUUID() + ".html");
        JobConfig config = JobConfig.fromArgs(
                "--parallelism", "2",
                "--batch.size", "32",
                "--batch.timeout-ms", "5",
                "--checkpoint.interval", "1s",
                "--checkpoint.dir", Path.of(System.getProperty("java.io.tmpdir"), "drift-" + UUID.randomUUID()).toUri().toString(),
                "--watermark.out-of-orderness", "0",
                "--watermark.idle-timeout", "0",
                "--top-k", "1",
                "--swap.state-policy", "rewarm",
                "--swap.rewarm-events", "16",
                "--retrain.enabled", "true",
                "--retrain.interval", "5s",
                "--retrain.window", "5s",
                "--retrain.sequence-length", "16",
                "--retrain.sequences-per-key", "4",
                "--retrain.sample-size", "1000",
                "--retrain.min-sequences", "50",
                "--retrain.epochs", "3",
                "--retrain.batch-size", "32",
                "--retrain.learning-rate", "0.01",
                "--retrain.min-improvement", "0.0",
                "--retrain.report", report.toString());
        StepModelBackend backend = StepModelBackend.of(model, 1);
        CollectingSink<Prediction> predictions = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        CollectingSink<ModelSnapshot> models = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        List<Ingested> input = events.stream().map(Ingested::of).toList();
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        // ~8 s of wall time for 8 windows, so training rounds (~0.1-1 s) finish while the stream runs.
        DataStream<Ingested> source = env.fromData(input, type).setParallelism(1)
                .map(new Pace<>(events.size() / 8.0), type).setParallelism(1)
                .assignTimestampsAndWatermarks(PredictionJob.watermarks(config)).setParallelism(1);
        PredictionJob.Outputs out = PredictionJob.attach(source, null, backend, config);
        out.predictions().sinkTo(predictions);
        out.deadLetters().sinkTo(deadLetters);
        out.models().sinkTo(models).setParallelism(1);
        long t0 = System.nanoTime();
        env.execute("retrain drift");
        double secs = (System.nanoTime() - t0) / 1e9;

        List<Prediction> got = predictions.values();
        List<ModelSnapshot> published = models.values();
        assertThat(deadLetters.values()).isEmpty();
        assertThat(published).as("models published").hasSizeGreaterThanOrEqualTo(2);
        List<Long> versions = new ArrayList<>(List.of(1L));
        published.forEach(s -> versions.add(s.getVersion()));
        assertThat(versions).as("versions increase").isSorted().doesNotHaveDuplicates();
        for (ModelSnapshot s : published) {
            assertThat(s.getSha256()).isEqualTo(ModelSnapshots.sha256Hex(ModelSnapshots.modelBytes(s)));
            assertThat(s.getParentVersion()).isEqualTo(versions.get(versions.indexOf(s.getVersion()) - 1));
        }

        // No loss, no duplicate: per key, one prediction per event, steps as predict() restarts them, versions in publishing order.
        Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
        events.forEach(e -> sent.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e));
        Map<String, List<Prediction>> byKey = new LinkedHashMap<>();
        got.forEach(p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
        assertThat(got).hasSize(events.size());
        int switches = 0;
        for (var e : sent.entrySet()) {
            List<Prediction> ps = byKey.get(e.getKey());
            ps.sort(Comparator.comparingLong(Prediction::getEventTime));
            assertThat(ps).extracting(Prediction::getEventTime).as("key %s events", e.getKey())
                    .containsExactlyElementsOf(e.getValue().stream().map(x -> x.eventTime).toList());
            assertThat(ps).extracting(Prediction::getStep).as("key %s steps", e.getKey())
                    .containsExactlyElementsOf(Reference.steps(e.getValue()));
            int last = 0;
            for (Prediction p : ps) {
                int at = versions.indexOf(p.getModelVersion());
                assertThat(at).as("key %s: version %d was published", e.getKey(), p.getModelVersion()).isGreaterThanOrEqualTo(0);
                assertThat(at).as("key %s: versions never go back", e.getKey()).isGreaterThanOrEqualTo(last);
                switches += at > last ? 1 : 0;
                last = at;
            }
        }
        assertThat(switches).as("keys switched versions mid-stream").isGreaterThan(KEYS);

        // The trainer's metrics, under the names MetricCatalog gives them: the last round's holdout figures.
        long lastPublished = versions.get(versions.size() - 1);
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_version", "serving")).isEqualTo(lastPublished);
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_version", "candidate")).isGreaterThanOrEqualTo(lastPublished);
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_holdoutAccuracy", "serving")).isBetween(0.05, 1.0);
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_holdoutAccuracy", "candidate")).isBetween(0.0, 1.0);
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_holdoutLoss", "serving")).isPositive().isLessThan(20.0);
        assertThat(counter(MetricCatalog.OPERATOR_PREFIX + "retrainRounds")).isGreaterThanOrEqualTo(published.size());
        assertThat(counter(MetricCatalog.OPERATOR_PREFIX + "modelsPublished")).isEqualTo(published.size());
        assertThat(CapturingReporter.named(MetricCatalog.OPERATOR_PREFIX + "eventToPredictionMs")).hasSize(2);
        assertThat(CapturingReporter.named(MetricCatalog.OPERATOR_PREFIX + "kind_deadLetters")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.labels()).containsKey("kind"));
        for (String name : MetricCatalog.prometheusNames()) {
            assertThat(CapturingReporter.named(name)).as("registered in the job: %s", name).isNotEmpty();
        }

        // Accuracy per window: the job's top-1 vs the key's next event; without retraining: model-core predict with the first model.
        double[][] hits = new double[WINDOWS_A + WINDOWS_B][3]; // on, off, count
        for (var e : sent.entrySet()) {
            List<ModelInput> seq = e.getValue();
            List<float[]> off = Reference.outputs(model, seq);
            List<Prediction> ps = byKey.get(e.getKey());
            for (int i = 0; i + 1 < seq.size(); i++) {
                ModelInput next = seq.get(i + 1);
                if (next.reset) {
                    continue; // a session's first event (its intent) is random: nothing to learn
                }
                int w = (int) ((next.eventTime - T0) / WINDOW_MS);
                hits[w][0] += ps.get(i).getTopK().get(0).getClassId() == next.token ? 1 : 0;
                hits[w][1] += argmax(off.get(i)) == next.token ? 1 : 0;
                hits[w][2]++;
            }
        }
        StringBuilder table = new StringBuilder(
                String.format(Locale.ROOT, "job ran %.1f s; published %s%nwindow  regime  retrain-on  retrain-off%n",
                        secs,
                        published.stream()
                                .map(s -> "v" + s.getVersion() + String.format(Locale.ROOT, "(%.3f)", s.getMetrics().get("after_accuracy")))
                                .toList()));
        double[] on = new double[hits.length];
        double[] offAcc = new double[hits.length];
        for (int w = 0; w < hits.length; w++) {
            on[w] = hits[w][0] / hits[w][2];
            offAcc[w] = hits[w][1] / hits[w][2];
            table.append(String.format(Locale.ROOT, "%6d  %6s  %10.3f  %11.3f%n", w, w < WINDOWS_A ? "A" : "B", on[w], offAcc[w]));
        }
        System.out.print(table);
        double lastOn = (on[hits.length - 1] + on[hits.length - 2]) / 2;
        double lastOff = (offAcc[hits.length - 1] + offAcc[hits.length - 2]) / 2;
        assertThat(offAcc[WINDOWS_A + 1]).as("the first model on the new structure (off)\n" + table).isLessThan(offAcc[0] - 0.15);
        assertThat(lastOn).as("retraining on, last two windows of the new structure\n" + table).isGreaterThan(lastOff + 0.15);
        assertThat(on[0]).as("identical before any swap\n" + table).isCloseTo(offAcc[0], org.assertj.core.api.Assertions.within(0.005));

        String html = Files.readString(report);
        assertThat(html).contains("Holdout accuracy per round").contains("serving v1");

        // The job's own online accuracy per window (the training report) is this same judgement, window for window.
        Map<Long, long[]> reported = new LinkedHashMap<>(); // window end -> {judged, right}
        Matcher row = Pattern.compile("<tr><td>(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC</td><td>(\\d+)</td><td>(\\d+)</td>"
                + "<td>[0-9.]+</td><td>(v[^<]*)</td></tr>").matcher(html);
        while (row.find()) {
            long end = LocalDateTime.parse(row.group(1).replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
            reported.put(end, new long[]{ Long.parseLong(row.group(2)), Long.parseLong(row.group(3)) });
        }
        assertThat(reported).as("a row per window\n" + html).hasSize(hits.length);
        for (int w = 0; w < hits.length; w++) {
            assertThat(reported.get(T0 + (w + 1) * WINDOW_MS)).as("window %d: judged, right", w)
                    .containsExactly((long) hits[w][2], (long) hits[w][0]);
        }
        assertThat(gauge(MetricCatalog.OPERATOR_PREFIX + "model_onlineAccuracy", "serving")).as("the last window's online accuracy")
                .isCloseTo(on[hits.length - 1], org.assertj.core.api.Assertions.within(1e-9));
        // A marker for every version that started serving after the first window (the rows' "served by").
        Set<Long> servedLater = new TreeSet<>();
        Matcher by = Pattern.compile("<td>(v[0-9, v]*)</td></tr>").matcher(html);
        while (by.find()) {
            for (String v : by.group(1).split(", ")) {
                servedLater.add(Long.parseLong(v.substring(1)));
            }
        }
        servedLater.remove(1L); // the first window's
        assertThat(servedLater).as("published versions served").isNotEmpty();
        for (long v : servedLater) {
            assertThat(html).as("the online chart marks where v%d started serving", v)
                    .containsPattern("class=\"swap\" data-version=\"" + v + "\"><line x1=\"[0-9.]+\" y1=\"20\"");
        }
        Files.deleteIfExists(report);
        predictions.clear();
        deadLetters.clear();
        models.clear();
    }

    private static double gauge(String name, String model) {
        List<CapturingReporter.Captured> found = CapturingReporter.named(name).stream()
                .filter(c -> model.equals(c.labels().get("model"))).toList();
        assertThat(found).as("%s{model=%s}", name, model).hasSize(1);
        Object v = ((org.apache.flink.metrics.Gauge<?>) found.get(0).metric()).getValue();
        return ((Number) v).doubleValue();
    }

    private static long counter(String name) {
        List<CapturingReporter.Captured> found = CapturingReporter.named(name);
        assertThat(found).as(name).hasSize(1);
        return ((org.apache.flink.metrics.Counter) found.get(0).metric()).getCount();
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
