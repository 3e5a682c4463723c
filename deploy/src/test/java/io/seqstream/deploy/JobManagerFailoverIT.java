package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.deploy.cluster.ClusterOptions;
import io.seqstream.deploy.cluster.LocalCluster;
import io.seqstream.deploy.cluster.PidFile;
import io.seqstream.deploy.cluster.RunDir;
import io.seqstream.deploy.testing.EventSender;
import io.seqstream.deploy.testing.PredictionCheck;
import io.seqstream.deploy.testing.PredictionReader;
import io.seqstream.deploy.testing.TestModels;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.Prediction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JobManager failover: a local cluster with ZooKeeper high availability (a ZooKeeper process, a leading and a standby
 * JobManager), the job submitted over REST; {@code kill -9} of the leading JobManager while events flow. The standby
 * takes the leadership, recovers the job from ZooKeeper and its last checkpoint, and every event is predicted exactly
 * once (read_committed), steps without gap or duplicate, outputs equal to the per-key reference.
 *
 * <p>Runs in {@code mvn verify} with the other cluster tests (deploy's {@code cluster-e2e} execution, after the job jar
 * is packaged), ~1.5 min.
 */
class JobManagerFailoverIT {
    private static final int KEYS = 24;
    private static final int VOCAB = 16;
    private static final long MODEL_VERSION = 7;
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aStandbyJobManagerTakesOverTheJobFromItsLastCheckpoint() throws Exception {
        long t0 = System.nanoTime();
        Path work = TestPaths.workDir("failover-it");
        Path runDir = work.resolve("run");
        Sequential model = TestModels.tokenModel(VOCAB, 8, 16, 42);
        Path modelFile = work.resolve("model.zip");
        ModelFile.save(model, modelFile);
        Thread killer = new Thread(() -> new RunDir(runDir).pidFiles().forEach(PidFile::kill), "kill-cluster");
        Runtime.getRuntime().addShutdownHook(killer);
        LocalCluster cluster = null;
        try {
            cluster = LocalCluster.start(new ClusterOptions(runDir, TestPaths.clusterClasspath(), TestPaths.toolsClasspath())
                    .jobManagerMemory("768m").taskManagerMemory("1536m").slots(2).eventPartitions(2).standbyJobManagers(1));
            LocalCluster c = cluster;
            awaitCondition(() -> c.leadingJobManager().isPresent(), "a leading JobManager");
            String leader = cluster.leadingJobManager().orElseThrow();
            String standby = leader.equals(LocalCluster.JOBMANAGER) ? LocalCluster.STANDBY_PREFIX + 1 : LocalCluster.JOBMANAGER;
            log(t0, "cluster started, " + leader + " leads, " + standby + " stands by");
            FlinkRest rest = cluster.rest(leader);
            String bootstrap = cluster.kafkaBootstrap();
            List<String> args = new ArrayList<>(List.of("--config", cluster.runDir().jobProperties().toString(),
                    "--" + ConfigKeys.MODEL_PATH.name(), modelFile.toString(),
                    "--" + ConfigKeys.MODEL_VERSION.name(), String.valueOf(MODEL_VERSION),
                    "--" + ConfigKeys.CHECKPOINT_INTERVAL.name(), "1s",
                    "--" + ConfigKeys.OUTPUT_FULL_VECTOR.name(), "true",
                    "--" + ConfigKeys.SOURCE_START.name(), "earliest",
                    "--" + ConfigKeys.KAFKA_TRANSACTION_TIMEOUT.name(), "3m",
                    "--parallelism", "2"));
            try (EventSender sender = new EventSender(bootstrap, ConfigKeys.TOPIC_EVENTS.defaultValue().orElseThrow(), KEYS, VOCAB, 9);
                    PredictionReader reader = new PredictionReader(bootstrap, ConfigKeys.TOPIC_PREDICTIONS.defaultValue().orElseThrow())) {
                String job = rest.runJar(rest.uploadJar(TestPaths.jobJar()), FlinkRest.RunRequest.of(args).withParallelism(2));
                rest.awaitJobState(job, Set.of("RUNNING"), WAIT);
                awaitCondition(() -> rest.allTasksRunning(job), "all tasks running");
                for (int r = 0; r < 10; r++) {
                    sender.sendRound(null);
                }
                check(model, sender, reader.awaitAtLeast(sender.sent(), WAIT, Duration.ofSeconds(2)), "before the failover");
                log(t0, "job running, " + sender.sent() + " events predicted");

                long checkpoints = rest.completedCheckpoints(job);
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < 20; r++) {
                        sender.sendRound(null);
                        sleep(250);
                    }
                });
                awaitCondition(() -> rest.completedCheckpoints(job) >= checkpoints + 2, "two more checkpoints");
                assertThat(cluster.killJobManager(leader)).isTrue();
                log(t0, "killed " + leader + " (kill -9) after " + sender.sent() + " events sent");
                awaitCondition(() -> c.leadingJobManager().filter(standby::equals).isPresent(), standby + " to lead");
                FlinkRest next = cluster.rest(standby);
                awaitCondition(() -> {
                    try {
                        return next.allTasksRunning(job);
                    } catch (RuntimeException e) {
                        return false;
                    }
                }, "the job running under " + standby);
                long before = checkpoints;
                awaitCondition(() -> {
                    try {
                        return next.restoredCheckpoint(job).isPresent();
                    } catch (RuntimeException e) {
                        return false;
                    }
                }, "the job restored from a checkpoint under " + standby);
                assertThat(next.restoredCheckpoint(job).getAsLong()).as("the checkpoint the standby restored")
                        .isGreaterThan(before);
                log(t0, standby + " leads and runs the job, restored from checkpoint " + next.restoredCheckpoint(job).getAsLong());
                stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                check(model, sender, reader.awaitAtLeast(sender.sent(), WAIT, Duration.ofSeconds(3)), "after the failover");
                log(t0, "after the failover: " + sender.sent() + " events, each predicted exactly once");
                next.cancel(job);
                assertThat(next.awaitJobState(job, Set.of("CANCELED"), WAIT)).isEqualTo("CANCELED");
            }
        } finally {
            if (cluster != null) {
                log(t0, "stopped " + cluster.stop());
            }
            Runtime.getRuntime().removeShutdownHook(killer);
        }
        assertThat(new RunDir(runDir).pidFiles()).as("no pid file left").isEmpty();
    }

    private static void check(Sequential model, EventSender sender, List<Prediction> got, String phase) {
        List<String> problems = PredictionCheck.problems(model, MODEL_VERSION, sender.sequences(), got, 1e-5);
        assertThat(problems).as(phase + ": " + got.size() + " predictions for " + sender.sent() + " events").isEmpty();
        assertThat(got).as(phase).hasSize(sender.sent());
    }

    private static void awaitCondition(BooleanSupplier c, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(250);
        }
    }

    private static void log(long t0, String what) {
        System.out.printf("[failover-it %6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
