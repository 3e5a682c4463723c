package io.seqstream.apps.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.apps.models.ModelsCommand;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.it.PredictionJobKafkaTest;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.retrain.ModelSnapshots;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.SessionGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models topic on a real in-process broker: a running job hot-swaps to versions published with
 * {@code seqstream models publish} and {@code rollback}, dead-letters a garbage record and keeps serving;
 * {@code models list} shows the history. And a job with retraining writes its versions to the topic, where
 * {@code models train --topic} finds them and publishes the next one.
 */
class ModelsTopicKafkaTest {
    static final String TMP = System.getProperty("java.io.tmpdir");
    static final int VOCAB = SessionGenerator.VOCABULARY;
    static final Model A = TestModels.tokenModel(VOCAB, 8, 12, 1);
    static final Model B = TestModels.tokenModel(VOCAB, 8, 12, 2);
    static final Model C = TestModels.tokenModel(VOCAB, 8, 12, 3);
    static final double TOL = 1e-5;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(Path.of(TMP));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static JobConfig setUp(String name, String... extra) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(id + "-events", 2, Map.of());
        kafka.createTopic(id + "-predictions", 2, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        kafka.createTopic(id + "-models", 1, Map.of("cleanup.policy", "compact", "max.message.bytes", String.valueOf(16 << 20)));
        List<String> args = new ArrayList<>(List.of(
                "--kafka.bootstrap", kafka.bootstrapServers(),
                "--kafka.group-id", id,
                "--kafka.transactional-id-prefix", id,
                "--kafka.transaction-timeout", "2m",
                "--topics.events", id + "-events",
                "--topics.predictions", id + "-predictions",
                "--topics.dead-letters", id + "-dead-letters",
                "--topics.models", id + "-models",
                "--source.start", "earliest",
                "--parallelism", "2",
                "--batch.size", "16",
                "--checkpoint.interval", "300ms",
                "--checkpoint.dir", Path.of(TMP, "checkpoints-" + id).toUri().toString(),
                "--top-k", "2",
                "--output.full-vector", "true"));
        args.addAll(List.of(extra));
        return JobConfig.fromArgs(args.toArray(new String[0]));
    }

    /** Runs {@code seqstream models ...}; returns its output, failing on a non-zero exit. */
    static String models(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new ModelsCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("models %s: %s %s", List.of(args), text, err.toString(StandardCharsets.UTF_8)).isZero();
        return text;
    }

    /** {@code perKey} events for each of {@code keys} keys, starting at {@code from} for every key. */
    static List<Event> batch(int keys, int perKey, int from) {
        List<Event> out = new ArrayList<>();
        for (int t = from; t < from + perKey; t++) {
            for (int k = 0; k < keys; k++) {
                out.add(Event.newBuilder().setKey("k" + k).setEventTime(1_700_000_000_000L + t).setToken((k * 7 + t * 3) % VOCAB).build());
            }
        }
        return out;
    }

    static ProducerRecord<byte[], byte[]> record(String topic, Event e) {
        return new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8), AvroCodec.encode(e));
    }

    static Map<String, List<ModelInput>> byKey(List<Event> events) {
        Map<String, List<ModelInput>> m = new LinkedHashMap<>();
        for (Event e : events) {
            m.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(ModelInput.token(e.getKey(), e.getEventTime(), e.getToken(), false));
        }
        return m;
    }

    /** With swap.state-policy=reset, a batch after a swap is predicted like fresh keys by the new model; steps go on. */
    static void assertBatch(List<Prediction> all, List<Event> batch, long version, Model model, long firstStep) {
        Map<String, List<ModelInput>> sent = byKey(batch);
        for (var e : sent.entrySet()) {
            long t0 = e.getValue().get(0).eventTime;
            List<Prediction> ps = all.stream().filter(p -> p.getKey().equals(e.getKey()) && p.getEventTime() >= t0
                    && p.getEventTime() <= e.getValue().get(e.getValue().size() - 1).eventTime).toList();
            assertThat(ps).as("key %s", e.getKey()).hasSize(e.getValue().size());
            List<float[]> ref = Reference.outputs(model, e.getValue());
            for (int i = 0; i < ps.size(); i++) {
                Prediction p = ps.get(i);
                assertThat(p.getModelVersion()).as("key %s event %d version", e.getKey(), i).isEqualTo(version);
                assertThat(p.getStep()).isEqualTo(firstStep + i);
                for (int j = 0; j < VOCAB; j++) {
                    assertThat((double) p.getOutput().get(j)).as("key %s event %d class %d", e.getKey(), i, j).isCloseTo(ref.get(i)[j],
                            within(TOL));
                }
            }
        }
    }

    @Test
    @Timeout(240)
    void aRunningJobSwapsToPublishedVersionsRollsBackAndDeadLettersGarbage() throws Exception {
        JobConfig config = setUp("swap", "--swap.state-policy", "reset");
        String bs = kafka.bootstrapServers();
        String events = config.get(ConfigKeys.TOPIC_EVENTS);
        String predictions = config.get(ConfigKeys.TOPIC_PREDICTIONS);
        String deadLetters = config.get(ConfigKeys.TOPIC_DEAD_LETTERS);
        String modelsTopic = config.get(ConfigKeys.TOPIC_MODELS);
        Path bFile = dir.resolve("b.seqstream");
        Path cFile = dir.resolve("c.seqstream");
        ModelFile.save(B, bFile);
        ModelFile.save(C, cFile);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(A, 3), config, false);
        JobClient job = env.executeAsync("models topic it");
        try {
            List<Event> b1 = batch(30, 4, 0), b2 = batch(30, 4, 4), b3 = batch(30, 4, 8);
            KafkaTopics.write(bs, b1.stream().map(e -> record(events, e)).toList());
            PredictionJobKafkaTest.awaitCommitted(bs, predictions, b1.size());

            assertThat(models("publish", "--model", bFile.toString(), "--version", "5", "--bootstrap", bs, "--topic", modelsTopic))
                    .contains("as v5");
            assertThat(models("publish", "--model", cFile.toString(), "--bootstrap", bs, "--topic", modelsTopic)).contains("as v6");
            // A garbage record after them: its dead letter is committed only with a checkpoint that every
            // subtask took after v5 and v6 (aligned barriers on the models input), so then both have swapped.
            KafkaTopics.write(bs, List.of(new ProducerRecord<>(modelsTopic, "x".getBytes(StandardCharsets.UTF_8), new byte[]{ 1, 2, 3 })));
            PredictionJobKafkaTest.awaitCommitted(bs, deadLetters, 1);
            KafkaTopics.write(bs, b2.stream().map(e -> record(events, e)).toList());
            PredictionJobKafkaTest.awaitCommitted(bs, predictions, b1.size() + b2.size());

            String rolled = models("rollback", "--version", "5", "--bootstrap", bs, "--topic", modelsTopic);
            assertThat(rolled).contains("v7 (the model of v5)");
            KafkaTopics.write(bs, List.of(new ProducerRecord<>(modelsTopic, "y".getBytes(StandardCharsets.UTF_8), new byte[]{ 4 })));
            PredictionJobKafkaTest.awaitCommitted(bs, deadLetters, 2);
            KafkaTopics.write(bs, b3.stream().map(e -> record(events, e)).toList());
            PredictionJobKafkaTest.awaitCommitted(bs, predictions, b1.size() + b2.size() + b3.size());
            Thread.sleep(700); // more checkpoints: a duplicate would show now

            List<Prediction> all = KafkaTopics.readCommitted(bs, predictions, Prediction.class);
            assertThat(all).hasSize(b1.size() + b2.size() + b3.size());
            assertBatch(all, b1, 3, A, 1);
            assertBatch(all, b2, 6, C, 5);
            assertBatch(all, b3, 7, B, 9);

            List<DeadLetter> dead = KafkaTopics.readCommitted(bs, deadLetters, DeadLetter.class);
            assertThat(dead).hasSize(2).allSatisfy(d -> {
                assertThat(d.getErrorKind()).isEqualTo(ErrorKind.BAD_MODEL_SNAPSHOT);
                assertThat(d.getSourceTopic()).isEqualTo(modelsTopic);
                assertThat(d.getMessage()).contains(modelsTopic + "/0@").contains("cannot decode a ModelSnapshot");
            });
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(2L, 4L);

            String list = models("list", "--bootstrap", bs, "--topic", modelsTopic);
            assertThat(list).contains("*7").contains("rollback to v5").contains("3 version(s)").contains("skipped:");
        } finally {
            job.cancel().get();
        }
    }

    @Test
    @Timeout(240)
    void aJobWithRetrainingPublishesVersionsToTheTopicAndTheCommandTrainsOnTheEventsTopic() throws Exception {
        Path report = dir.resolve("report.html");
        JobConfig config = setUp("retrain", "--retrain.enabled", "true", "--retrain.interval", "1s", "--retrain.window", "1s",
                "--retrain.sequence-length", "8", "--retrain.min-sequences", "10", "--retrain.publish-always", "true",
                "--retrain.epochs", "1", "--retrain.report", report.toString(), "--watermark.out-of-orderness", "0");
        String bs = kafka.bootstrapServers();
        String events = config.get(ConfigKeys.TOPIC_EVENTS);
        String modelsTopic = config.get(ConfigKeys.TOPIC_MODELS);
        List<Event> stream = new ArrayList<>();
        SessionGenerator g = new SessionGenerator(11, 2);
        SessionGenerator.Cursor[] c = new SessionGenerator.Cursor[30];
        for (int t = 0; t < 60; t++) { // 30 events per key per second of event time, 2 windows
            for (int k = 0; k < c.length; k++) {
                c[k] = c[k] == null ? new SessionGenerator.Cursor() : c[k];
                SessionGenerator.Step s = g.next(c[k]);
                stream.add(Event.newBuilder().setKey("u" + k).setEventTime(t * 1000L / 30 + 1).setToken(s.token())
                        .setReset(s.sessionStart()).build());
            }
        }
        KafkaTopics.write(bs, stream.stream().map(e -> record(events, e)).toList());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(A, 1), config, true);
        env.execute("retrain to kafka it");

        List<ModelSnapshot> published = new ArrayList<>();
        KafkaTopics.readCommitted(bs, modelsTopic).forEach(r -> {
            ModelSnapshot s = AvroCodec.decode(r.value(), ModelSnapshot.class);
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(Long.toString(s.getVersion()));
            published.add(s);
        });
        assertThat(published).extracting(ModelSnapshot::getVersion).containsExactly(2L, 3L);
        assertThat(published).extracting(ModelSnapshot::getParentVersion).containsExactly(1L, 2L);
        assertThat(published).allSatisfy(s -> assertThat(s.getSha256()).isEqualTo(ModelSnapshots.sha256Hex(ModelSnapshots.modelBytes(s))));
        assertThat(KafkaTopics.readCommitted(bs, config.get(ConfigKeys.TOPIC_PREDICTIONS))).hasSize(stream.size());
        assertThat(report).exists();

        Path base = dir.resolve("a.seqstream");
        ModelFile.save(A, base);
        String trained = models("train", "--model", base.toString(), "--topic", events, "--bootstrap", bs, "--publish", "--always",
                "--models-topic", modelsTopic, "--sequence-length", "8", "--epochs", "1", "--out",
                dir.resolve("cand.seqstream").toString());
        assertThat(trained).contains("30 keys").contains("published v4");
    }
}
