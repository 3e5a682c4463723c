package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.PredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.testing.CollectingSink;
import io.seqstream.jobs.testing.Pace;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.SessionGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retraining a model with two inputs per event in the whole job (parallelism 2, in-memory events and sinks, no
 * broker): an untrained {@code Embedding(event type) ⊕ [amount, seconds_since_last] -> LSTM -> Dense} model is
 * fine-tuned per 2 s event-time window on both inputs of the keys' events, the prediction operators swap to each
 * published version (rewarm policy: the rings hold both inputs), and no event is lost or stepped twice.
 */
class MultiInputRetrainJobTest {
    static final int KEYS = 24;
    static final long TICK_MS = 50;
    static final long WINDOW_MS = 2_000;
    static final int WINDOWS = 4;
    static final long T0 = 1_700_000_000_000L - 1_700_000_000_000L % WINDOW_MS;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    /** One event per key per tick: the session stream's token with its amount and seconds since the key's last event. */
    static List<ModelInput> stream() {
        SessionGenerator g = new SessionGenerator(11, 100);
        Random r = new Random(3);
        SessionGenerator.Cursor[] cursors = new SessionGenerator.Cursor[KEYS];
        for (int k = 0; k < KEYS; k++) {
            cursors[k] = new SessionGenerator.Cursor();
        }
        List<ModelInput> out = new ArrayList<>();
        for (long tick = 0; tick < WINDOWS * WINDOW_MS / TICK_MS; tick++) {
            for (int k = 0; k < KEYS; k++) {
                SessionGenerator.Step s = g.next(cursors[k]);
                float amount = s.token() >= SessionGenerator.INTENTS + SessionGenerator.ACTIONS ? r.nextInt(20_000) / 100f : 0;
                out.add(ModelInput.inputs("key-" + k, T0 + tick * TICK_MS + k, new int[]{ s.token() },
                        new float[]{ amount, tick == 0 ? 0 : TICK_MS / 1000f }, s.sessionStart()));
            }
        }
        return out;
    }

    @Test
    @Timeout(240)
    void theTwoInputModelIsRetrainedOnBothInputsAndSwappedInWithoutLosingEvents() throws Exception {
        Model model = TestModels.tokenAndFeaturesModel(SessionGenerator.VOCABULARY, 16, SessionGenerator.VOCABULARY, 5);
        List<ModelInput> events = stream();
        String tmp = System.getProperty("java.io.tmpdir");
        JobConfig config = JobConfig.fromArgs("--parallelism", "2", "--batch.size", "32", "--batch.timeout-ms", "5",
                "--checkpoint.interval", "1s", "--checkpoint.dir", Path.of(tmp, "multi-retrain-" + UUID.randomUUID()).toUri().toString(),
                "--watermark.out-of-orderness", "0", "--watermark.idle-timeout", "0", "--top-k", "1",
                "--swap.state-policy", "rewarm", "--swap.rewarm-events", "8",
                "--retrain.enabled", "true", "--retrain.interval", "2s", "--retrain.window", "2s", "--retrain.sequence-length", "8",
                "--retrain.sequences-per-key", "4", "--retrain.sample-size", "1000", "--retrain.min-sequences", "20",
                "--retrain.epochs", "3", "--retrain.batch-size", "16", "--retrain.learning-rate", "0.02", "--retrain.min-improvement",
                "0.0",
                "--retrain.report", Path.of(tmp, "multi-retrain-report-" + UUID.randomUUID() + ".html").toString());
        CollectingSink<Prediction> predictions = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        CollectingSink<ModelSnapshot> models = new CollectingSink<>();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobEnvironment.configure(env, config);
        TypeInformation<Ingested> type = TypeInformation.of(Ingested.class);
        DataStream<Ingested> source = env.fromData(events.stream().map(Ingested::of).toList(), type).setParallelism(1)
                .map(new Pace<>(events.size() / 6.0), type).setParallelism(1)
                .assignTimestampsAndWatermarks(PredictionJob.watermarks(config)).setParallelism(1);
        PredictionJob.Outputs out = PredictionJob.attach(source, null, StepModelBackend.of(model, 1), config);
        out.predictions().sinkTo(predictions);
        out.deadLetters().sinkTo(deadLetters);
        out.models().sinkTo(models).setParallelism(1);
        env.execute("multi-input retraining");

        assertThat(deadLetters.values()).as("no snapshot rejected, no event refused").isEmpty();
        List<ModelSnapshot> published = models.values();
        assertThat(published).as("versions published").isNotEmpty();
        List<Long> versions = new ArrayList<>(List.of(1L));
        for (ModelSnapshot s : published) {
            versions.add(s.getVersion());
            StepModelBackend b = StepModelBackend.fromBytes(ModelSnapshots.modelBytes(s), s.getVersion(), "v" + s.getVersion());
            assertThat(b.inputNames()).containsExactly("event_type", "numbers");
            assertThat(s.getMetrics().get("after_accuracy")).as("v%d trained on both inputs", s.getVersion())
                    .isGreaterThanOrEqualTo(s.getMetrics().get("before_accuracy"));
        }

        List<Prediction> got = predictions.values();
        assertThat(got).hasSize(events.size());
        Map<String, List<ModelInput>> sent = new LinkedHashMap<>();
        events.forEach(e -> sent.computeIfAbsent(e.key, k -> new ArrayList<>()).add(e));
        Map<String, List<Prediction>> byKey = new LinkedHashMap<>();
        got.forEach(p -> byKey.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p));
        int swapped = 0;
        for (var e : sent.entrySet()) {
            List<Prediction> ps = byKey.get(e.getKey());
            ps.sort(Comparator.comparingLong(Prediction::getEventTime));
            assertThat(ps).extracting(Prediction::getStep).as("key %s steps", e.getKey())
                    .containsExactlyElementsOf(Reference.steps(e.getValue()));
            int last = 0;
            for (Prediction p : ps) {
                int at = versions.indexOf(p.getModelVersion());
                assertThat(at).as("key %s: version %d, in publishing order", e.getKey(), p.getModelVersion()).isGreaterThanOrEqualTo(last);
                last = at;
            }
            swapped += last > 0 ? 1 : 0;
        }
        assertThat(swapped).as("keys served by a retrained version").isPositive();
    }
}
