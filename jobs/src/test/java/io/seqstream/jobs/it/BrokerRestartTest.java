package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.RestartableKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker is stopped and started again on the same log dir and ports while events flow and the job runs. With
 * exactly-once, read_committed readers see every event predicted exactly once, steps without gap or duplicate, and the
 * outputs of an undisturbed run; with at-least-once, every (key, step) is there and a duplicate repeats the same
 * prediction.
 */
class BrokerRestartTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "exactly-once", "at-least-once" })
    @Timeout(240)
    void theJobRidesThroughABrokerRestart(String delivery) throws Exception {
        try (RestartableKafka kafka = RestartableKafka.create(Path.of(PredictionJobKafkaTest.TMP), null)) {
            String bs = kafka.bootstrapServers();
            String id = "restart-" + delivery;
            kafka.createTopic(id + "-events", 2, Map.of());
            kafka.createTopic(id + "-predictions", 2, Map.of());
            kafka.createTopic(id + "-dead-letters", 1, Map.of());
            JobConfig config = JobConfig.fromArgs("--kafka.bootstrap", bs, "--kafka.group-id", id, "--kafka.transactional-id-prefix", id,
                    "--kafka.transaction-timeout", "2m", "--topics.events", id + "-events", "--topics.predictions", id + "-predictions",
                    "--topics.dead-letters", id + "-dead-letters", "--models.watch", "false", "--source.start", "earliest",
                    "--parallelism", "2", "--batch.size", "32", "--checkpoint.interval", "300ms", "--delivery", delivery,
                    "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(), "--top-k", "3", "--output.full-vector", "true");
            List<Event> events = PredictionJobKafkaTest.events(200, 20, 18);
            String topic = id + "-events", predictions = id + "-predictions";

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            KafkaPredictionJob.build(env, StepModelBackend.of(PredictionJobKafkaTest.MODEL, 3), config, false);
            JobClient job = env.executeAsync("broker restart, " + delivery);
            try {
                // One idempotent producer paces the events and retries through the outage (no duplicate input).
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                        for (int i = 0; i < events.size(); i++) {
                            producer.send(PredictionJobKafkaTest.record(topic, events.get(i)));
                            if (i % 100 == 99) {
                                Thread.sleep(60);
                            }
                        }
                        producer.flush();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                PredictionJobKafkaTest.awaitCommitted(bs, predictions, events.size() / 5);
                kafka.stop();
                Thread.sleep(3000);
                kafka.start();
                writer.get();
                PredictionJobKafkaTest.awaitCommitted(bs, predictions, events.size());
                Thread.sleep(1000); // more checkpoints: a duplicate would show now
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
            } finally {
                job.cancel().get();
            }

            List<Prediction> all = KafkaTopics.readCommitted(bs, predictions, Prediction.class);
            if (delivery.equals("exactly-once")) {
                assertThat(all).hasSize(events.size());
                PredictionJobKafkaTest.assertPredictionsMatchReference(all, PredictionJobKafkaTest.byKey(events));
            } else {
                Map<String, Prediction> first = new LinkedHashMap<>();
                int duplicates = 0;
                for (Prediction x : all) {
                    Prediction earlier = first.putIfAbsent(x.getKey() + "#" + x.getEventTime() + "#" + x.getStep(), x); // a reset restarts the steps: the event time tells events apart
                    if (earlier != null) {
                        duplicates++;
                        for (int j = 0; j < x.getOutput().size(); j++) {
                            assertThat((double) x.getOutput().get(j)).as("duplicate of %s step %d class %d", x.getKey(), x.getStep(), j)
                                    .isCloseTo(earlier.getOutput().get(j),
                                            org.assertj.core.api.Assertions.within(PredictionJobKafkaTest.TOL));
                        }
                        assertThat(x.getEventTime()).isEqualTo(earlier.getEventTime());
                    }
                }
                PredictionJobKafkaTest.assertPredictionsMatchReference(new ArrayList<>(first.values()),
                        PredictionJobKafkaTest.byKey(events));
                System.out.printf("broker restart, at-least-once: %d predictions, %d duplicates%n", all.size(), duplicates);
            }
        }
    }
}
