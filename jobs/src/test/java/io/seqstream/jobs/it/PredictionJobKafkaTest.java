package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.jobs.testing.Reference;
import io.seqstream.jobs.testing.TestModels;
import io.seqstream.model.Model;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a real in-process Kafka broker and a Flink MiniCluster at parallelism 2: predictions
 * read with read_committed equal model-core predict() on each key's whole sequence, with no duplicate and
 * no gap in any key's steps, and bad records become dead letters with their offsets. Then a job cancelled
 * mid-stream and restarted from its last checkpoint produces the same complete stream.
 */
public class PredictionJobKafkaTest {
    static final String TMP = System.getProperty("java.io.tmpdir");
    static final int VOCAB = 50;
    static final Model MODEL = TestModels.tokenModel(VOCAB, 8, 16, 31);
    static final double TOL = 1e-5;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(flinkConfig()).build());

    static EmbeddedKafka kafka;

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

    public static Configuration flinkConfig() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, TMP);
        conf.set(WebOptions.UPLOAD_DIR, TMP);
        conf.set(WebOptions.TMP_DIR, TMP);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        return conf;
    }

    /** Topics and a config of their own per test. */
    static JobConfig setUp(String name, int eventPartitions) {
        String id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(id + "-events", eventPartitions, Map.of());
        kafka.createTopic(id + "-predictions", 2, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        return JobConfig.fromArgs(
                "--kafka.bootstrap", kafka.bootstrapServers(),
                "--kafka.group-id", id,
                "--kafka.transactional-id-prefix", id,
                "--kafka.transaction-timeout", "2m",
                "--topics.events", id + "-events",
                "--topics.predictions", id + "-predictions",
                "--topics.dead-letters", id + "-dead-letters",
                "--source.start", "earliest",
                "--parallelism", "2",
                "--batch.size", "32",
                "--batch.timeout-ms", "5",
                "--checkpoint.interval", "300ms",
                "--checkpoint.dir", Path.of(TMP, "checkpoints-" + id).toUri().toString(),
                "--top-k", "3",
                "--output.full-vector", "true");
    }

    /** Events of many keys, interleaved at random but in order per key, with ~2% resets. */
    static List<Event> events(int keys, int perKey, long seed) {
        Random rnd = new Random(seed);
        List<List<Event>> pending = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<Event> seq = new ArrayList<>();
            for (int t = 0; t < perKey; t++) {
                seq.add(Event.newBuilder().setKey("user-" + k).setEventTime(1_700_000_000_000L + t)
                        .setToken(rnd.nextInt(VOCAB)).setReset(t > 0 && rnd.nextInt(50) == 0).build());
            }
            pending.add(seq);
        }
        List<Event> stream = new ArrayList<>();
        while (!pending.isEmpty()) {
            int k = rnd.nextInt(pending.size());
            stream.add(pending.get(k).remove(0));
            if (pending.get(k).isEmpty()) {
                pending.remove(k);
            }
        }
        return stream;
    }

    /** Keyed by the event key, as producers must: a key's events stay in one partition, in order. */
    static ProducerRecord<byte[], byte[]> record(String topic, Event e) {
        return new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8), AvroCodec.encode(e));
    }

    static Map<String, List<ModelInput>> byKey(List<Event> events) {
        Map<String, List<ModelInput>> m = new LinkedHashMap<>();
        for (Event e : events) {
            m.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                    .add(ModelInput.token(e.getKey(), e.getEventTime(), e.getToken(), e.getReset()));
        }
        return m;
    }

    /** Per key, in topic order: exactly the reference steps and outputs, nothing more. */
    static void assertPredictionsMatchReference(List<Prediction> predictions, Map<String, List<ModelInput>> sent) {
        Map<String, List<Prediction>> got = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            got.computeIfAbsent(p.getKey(), k -> new ArrayList<>()).add(p);
        }
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        for (var e : sent.entrySet()) {
            String key = e.getKey();
            List<Prediction> ps = got.get(key);
            List<Long> steps = Reference.steps(e.getValue());
            assertThat(ps).extracting(Prediction::getStep).as("steps of %s: no duplicate, no gap", key).containsExactlyElementsOf(steps);
            List<float[]> ref = Reference.outputs(MODEL, e.getValue());
            for (int t = 0; t < ref.size(); t++) {
                List<Float> out = ps.get(t).getOutput();
                for (int j = 0; j < VOCAB; j++) {
                    assertThat((double) out.get(j)).as("%s event %d class %d", key, t, j).isCloseTo(ref.get(t)[j], within(TOL));
                }
                assertThat(ps.get(t).getEventTime()).isEqualTo(e.getValue().get(t).eventTime);
            }
        }
    }

    @Test
    @Timeout(180)
    void predictionsEqualPerKeyPredictWithNoDuplicateAndNoGapAndBadRecordsAreDeadLettered() throws Exception {
        JobConfig config = setUp("it", 3);
        String topic = config.get(ConfigKeys.TOPIC_EVENTS);
        List<Event> events = events(1000, 21, 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<Integer> badIndex = new HashSet<>();
        Random rnd = new Random(2);
        for (Event e : events) {
            if (rnd.nextInt(1000) == 0) { // a bad record now and then, between good ones
                badIndex.add(records.size());
                records.add(badRecord(topic, rnd));
            }
            records.add(record(topic, e));
        }
        List<RecordMetadata> written = KafkaTopics.write(kafka.bootstrapServers(), records);
        Set<String> badOffsets = new HashSet<>();
        for (int i : badIndex) {
            badOffsets.add(written.get(i).partition() + "@" + written.get(i).offset());
        }
        assertThat(events).hasSizeGreaterThanOrEqualTo(20_000);
        assertThat(badOffsets).isNotEmpty();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(MODEL, 3), config, true);
        env.execute("prediction job it");

        List<Prediction> predictions = KafkaTopics.readCommitted(kafka.bootstrapServers(),
                config.get(ConfigKeys.TOPIC_PREDICTIONS), Prediction.class);
        assertThat(predictions).hasSize(events.size());
        assertThat(predictions).allMatch(p -> p.getModelVersion() == 3 && p.getTopK().size() == 3);
        assertPredictionsMatchReference(predictions, byKey(events));

        List<DeadLetter> dead = KafkaTopics.readCommitted(kafka.bootstrapServers(),
                config.get(ConfigKeys.TOPIC_DEAD_LETTERS), DeadLetter.class);
        assertThat(dead).extracting(d -> d.getPartition() + "@" + d.getOffset()).containsExactlyInAnyOrderElementsOf(badOffsets);
        assertThat(dead).allMatch(d -> d.getSourceTopic().equals(topic) && !d.getMessage().isEmpty());
    }

    /** Garbage bytes, a token outside the vocabulary, or an event without a token. */
    static ProducerRecord<byte[], byte[]> badRecord(String topic, Random rnd) {
        byte[] key = "bad".getBytes(StandardCharsets.UTF_8);
        return switch (rnd.nextInt(3)) {
            case 0 -> new ProducerRecord<>(topic, key, new byte[]{ (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3 });
            case 1 -> new ProducerRecord<>(topic, key, AvroCodec.encode(Event.newBuilder().setKey("bad").setEventTime(1)
                    .setToken(VOCAB + 7).build()));
            default -> new ProducerRecord<>(topic, key, AvroCodec.encode(Event.newBuilder().setKey("bad").setEventTime(1).build()));
        };
    }

    @Test
    @Timeout(180)
    void aJobCancelledMidStreamAndRestoredFromItsCheckpointProducesTheUninterruptedStream(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        JobConfig config = setUp("restore", 2);
        String bootstrap = kafka.bootstrapServers();
        String eventsTopic = config.get(ConfigKeys.TOPIC_EVENTS);
        String predictionsTopic = config.get(ConfigKeys.TOPIC_PREDICTIONS);
        List<Event> events = events(400, 20, 3);
        // Events 1-8 of every key before the first run, 9-12 while it runs, the rest while it is down.
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<Event> before = new ArrayList<>(), during = new ArrayList<>(), after = new ArrayList<>();
        for (Event e : events) {
            int n = seen.merge(e.getKey(), 1, Integer::sum);
            (n <= 8 ? before : n <= 12 ? during : after).add(e);
        }
        KafkaTopics.write(bootstrap, before.stream().map(e -> record(eventsTopic, e)).toList());

        StreamExecutionEnvironment env1 = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env1, StepModelBackend.of(MODEL, 1), config, false);
        JobClient run1 = env1.executeAsync("prediction job, first run");
        awaitCommitted(bootstrap, predictionsTopic, 1); // running, and at least one checkpoint committed
        KafkaTopics.write(bootstrap, during.stream().map(e -> record(eventsTopic, e)).toList());
        Thread.sleep(150); // cancel while these are in flight: stepped, in an open transaction, or not read yet
        run1.cancel().get();
        awaitStatus(run1, JobStatus.CANCELED);
        int committedByRun1 = KafkaTopics.readCommitted(bootstrap, predictionsTopic).size();
        // The last completed checkpoint is kept on cancel (RETAIN_ON_CANCELLATION): restart from it.
        String checkpoint = cluster.getArchivedExecutionGraph(run1.getJobID()).get().getCheckpointStatsSnapshot()
                .getHistory().getLatestCompletedCheckpoint().getExternalPath();

        KafkaTopics.write(bootstrap, after.stream().map(e -> record(eventsTopic, e)).toList());
        StreamExecutionEnvironment env2 = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint);
        env2.configure(restore);
        KafkaPredictionJob.build(env2, StepModelBackend.of(MODEL, 1), config, false);
        JobClient run2 = env2.executeAsync("prediction job, restored");
        awaitCommitted(bootstrap, predictionsTopic, events.size());
        Thread.sleep(1000); // a few more checkpoints: anything duplicated would show up now
        assertThat(run2.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        run2.cancel().get();

        List<Prediction> predictions = KafkaTopics.readCommitted(bootstrap, predictionsTopic, Prediction.class);
        assertThat(committedByRun1).as("the first run was stopped mid-stream").isBetween(1, events.size() - 1);
        assertThat(predictions).hasSize(events.size());
        assertPredictionsMatchReference(predictions, byKey(events));
    }

    public static void awaitCommitted(String bootstrap, String topic, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int n = 0;
        while (System.nanoTime() < deadline) {
            n = KafkaTopics.readCommitted(bootstrap, topic).size();
            if (n >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("only " + n + " of " + count + " committed records in " + topic);
    }

    static void awaitStatus(JobClient job, JobStatus status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (job.getJobStatus().get() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job.getJobID() + " is " + job.getJobStatus().get() + ", not " + status);
            }
            Thread.sleep(50);
        }
    }
}
