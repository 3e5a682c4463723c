package io.seqstream.jobs.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.jobs.testing.KafkaTopics;
import io.seqstream.schemas.Event;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The checkpoint directory becomes unwritable for a few seconds while events flow (the job's directory is swapped for
 * a plain file, so every checkpoint write fails; permissions would not stop root). Checkpoints fail and the job rides
 * through them ({@code checkpoint.tolerable-failures}): with at-least-once it keeps predicting, with exactly-once its
 * committed output stalls, visibly, and nothing is lost. When storage returns, checkpoints complete again and the
 * output is that of an undisturbed run.
 */
class CheckpointStorageLossTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).setConfiguration(PredictionJobKafkaTest.flinkConfig()).build());

    static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(Path.of(PredictionJobKafkaTest.TMP));
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "exactly-once", "at-least-once" })
    @Timeout(240)
    void checkpointsFailWhileStorageIsGoneAndTheJobRecoversWithoutLoss(String delivery, @InjectMiniCluster MiniCluster cluster)
            throws Exception {
        String bs = kafka.bootstrapServers();
        String id = "cp-loss-" + delivery;
        kafka.createTopic(id + "-events", 2, Map.of());
        kafka.createTopic(id + "-predictions", 2, Map.of());
        kafka.createTopic(id + "-dead-letters", 1, Map.of());
        Path checkpoints = dir.resolve("checkpoints");
        JobConfig config = JobConfig.fromArgs("--kafka.bootstrap", bs, "--kafka.group-id", id, "--kafka.transactional-id-prefix", id,
                "--kafka.transaction-timeout", "2m", "--topics.events", id + "-events", "--topics.predictions", id + "-predictions",
                "--topics.dead-letters", id + "-dead-letters", "--models.watch", "false", "--source.start", "earliest",
                "--parallelism", "2", "--batch.size", "32", "--checkpoint.interval", "300ms", "--delivery", delivery,
                "--checkpoint.tolerable-failures", "1000", "--checkpoint.dir", checkpoints.toUri().toString(),
                "--top-k", "3", "--output.full-vector", "true");
        List<Event> events = PredictionJobKafkaTest.events(200, 15, 33);
        int third = events.size() / 3;
        String topic = id + "-events", predictions = id + "-predictions";

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        KafkaPredictionJob.build(env, StepModelBackend.of(PredictionJobKafkaTest.MODEL, 3), config, false);
        JobClient job = env.executeAsync("checkpoint storage loss, " + delivery);
        try {
            KafkaTopics.write(bs, events.subList(0, third).stream().map(e -> PredictionJobKafkaTest.record(topic, e)).toList());
            PredictionJobKafkaTest.awaitCommitted(bs, predictions, third);

            // Storage gone: the job's checkpoint directory is replaced by a file.
            Path jobDir = checkpoints.resolve(job.getJobID().toString());
            Path away = breakStorage(jobDir, checkpoints);
            long failedBefore = failedCheckpoints(cluster, job);
            Thread.sleep(1000); // a checkpoint under way when storage went may still complete: let it settle
            int committedAtStart = KafkaTopics.readCommitted(bs, predictions).size();
            KafkaTopics.write(bs, events.subList(third, 2 * third).stream().map(e -> PredictionJobKafkaTest.record(topic, e)).toList());
            Thread.sleep(4000);
            int committedAtEnd = KafkaTopics.readCommitted(bs, predictions).size();
            long failedDuring = failedCheckpoints(cluster, job) - failedBefore;
            assertThat(failedDuring).as("checkpoints failed while storage was gone").isGreaterThan(3);
            if (delivery.equals("exactly-once")) {
                assertThat(committedAtEnd).as("exactly-once output stalls: nothing committed without a checkpoint")
                        .isEqualTo(committedAtStart);
            } else {
                assertThat(committedAtEnd).as("at-least-once output keeps flowing").isGreaterThanOrEqualTo(2 * third);
            }

            // Storage back.
            Files.delete(jobDir);
            Files.move(away, jobDir);
            KafkaTopics.write(bs,
                    events.subList(2 * third, events.size()).stream().map(e -> PredictionJobKafkaTest.record(topic, e)).toList());
            PredictionJobKafkaTest.awaitCommitted(bs, predictions, events.size());
            Thread.sleep(1000); // more checkpoints: a duplicate would show now
            var graph = cluster.getExecutionGraph(job.getJobID()).get();
            assertThat(graph.getState()).isEqualTo(JobStatus.RUNNING);
            assertThat(graph.getStatusTimestamp(JobStatus.RESTARTING)).as("the job never restarted").isZero();
            System.out.printf("checkpoint storage loss, %s: %d checkpoints failed during the 5 s outage; committed %d -> %d meanwhile%n",
                    delivery, failedDuring, committedAtStart, committedAtEnd);
        } finally {
            job.cancel().get();
        }

        List<Prediction> all = KafkaTopics.readCommitted(bs, predictions, Prediction.class);
        if (delivery.equals("exactly-once")) {
            assertThat(all).hasSize(events.size());
            PredictionJobKafkaTest.assertPredictionsMatchReference(all, PredictionJobKafkaTest.byKey(events));
        } else {
            Map<String, Prediction> first = new LinkedHashMap<>();
            for (Prediction x : all) {
                Prediction earlier = first.putIfAbsent(x.getKey() + "#" + x.getEventTime() + "#" + x.getStep(), x); // a reset restarts the steps: the event time tells events apart
                if (earlier != null) {
                    for (int j = 0; j < x.getOutput().size(); j++) {
                        assertThat((double) x.getOutput().get(j)).isCloseTo(earlier.getOutput().get(j), within(PredictionJobKafkaTest.TOL));
                    }
                }
            }
            PredictionJobKafkaTest.assertPredictionsMatchReference(new ArrayList<>(first.values()), PredictionJobKafkaTest.byKey(events));
        }
    }

    static long failedCheckpoints(MiniCluster cluster, JobClient job) throws Exception {
        return cluster.getExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot().getCounts().getNumberOfFailedCheckpoints();
    }

    /**
     * Replaces the job's checkpoint directory by a plain file and returns where the directory went. A checkpoint under
     * way can re-create the directory between the move and the write (Flink creates its chk-N folder's parents): such a
     * re-created directory is moved aside too (it holds at most an unfinished checkpoint), and the write is tried again.
     */
    static Path breakStorage(Path jobDir, Path checkpoints) throws java.io.IOException {
        Path away = checkpoints.resolve("away");
        Files.move(jobDir, away);
        for (int attempt = 1; attempt <= 50; attempt++) {
            try {
                Files.writeString(jobDir, "not a directory", java.nio.file.StandardOpenOption.CREATE_NEW);
                return away;
            } catch (java.nio.file.FileSystemException recreated) {
                if (Files.isDirectory(jobDir)) {
                    Files.move(jobDir, checkpoints.resolve("recreated-" + attempt));
                }
            }
        }
        throw new IllegalStateException("the checkpoint directory " + jobDir + " kept coming back");
    }
}
