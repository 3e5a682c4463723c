package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.deploy.cluster.LocalCluster;
import io.seqstream.deploy.testing.EventSender;
import io.seqstream.deploy.testing.PredictionReader;
import io.seqstream.jobs.config.ConfigKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aStandbyJobManagerTakesOverTheJobFromItsLastCheckpoint() throws Exception {
        try (ClusterRun run = ClusterRun.start("failover-it", o -> o.jobManagerMemory("768m").taskManagerMemory("1536m").slots(2)
                .eventPartitions(2).standbyJobManagers(1))) {
            LocalCluster cluster = run.cluster();
            ClusterRun.await(() -> cluster.leadingJobManager().isPresent(), "a leading JobManager", WAIT);
            String leader = cluster.leadingJobManager().orElseThrow();
            String standby = leader.equals(LocalCluster.JOBMANAGER) ? LocalCluster.STANDBY_PREFIX + 1 : LocalCluster.JOBMANAGER;
            run.log(leader + " leads, " + standby + " stands by");
            FlinkRest rest = cluster.rest(leader);
            String bootstrap = cluster.kafkaBootstrap();
            List<String> args = run.jobArgs("3m", "--" + ConfigKeys.OUTPUT_FULL_VECTOR.name(), "true", "--parallelism", "2");
            try (EventSender sender = new EventSender(bootstrap, ConfigKeys.TOPIC_EVENTS.defaultValue().orElseThrow(), ClusterRun.KEYS,
                    ClusterRun.VOCAB, 9);
                    PredictionReader reader = new PredictionReader(bootstrap, ConfigKeys.TOPIC_PREDICTIONS.defaultValue().orElseThrow())) {
                String job = rest.runJar(rest.uploadJar(TestPaths.jobJar()), FlinkRest.RunRequest.of(args).withParallelism(2));
                rest.awaitJobState(job, Set.of("RUNNING"), WAIT);
                ClusterRun.await(() -> rest.allTasksRunning(job), "all tasks running", WAIT);
                for (int r = 0; r < 10; r++) {
                    sender.sendRound(null);
                }
                run.check(sender, reader.awaitAtLeast(sender.sent(), WAIT, Duration.ofSeconds(2)), "before the failover");
                run.log("job running, " + sender.sent() + " events predicted");

                long checkpoints = rest.completedCheckpoints(job);
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < 20; r++) {
                        sender.sendRound(null);
                        ClusterRun.sleep(250);
                    }
                });
                ClusterRun.await(() -> rest.completedCheckpoints(job) >= checkpoints + 2, "two more checkpoints", WAIT);
                assertThat(cluster.killJobManager(leader)).isTrue();
                run.log("killed " + leader + " (kill -9) after " + sender.sent() + " events sent");
                ClusterRun.await(() -> cluster.leadingJobManager().filter(standby::equals).isPresent(), standby + " to lead", WAIT);
                FlinkRest next = cluster.rest(standby);
                ClusterRun.await(() -> next.allTasksRunning(job), "the job running under " + standby, WAIT);
                ClusterRun.await(() -> next.restoredCheckpoint(job).isPresent(), "the job restored from a checkpoint under " + standby,
                        WAIT);
                long restored = next.restoredCheckpoint(job).getAsLong();
                assertThat(restored).as("the checkpoint the standby restored").isGreaterThan(checkpoints);
                run.log(standby + " leads and runs the job, restored from checkpoint " + restored);
                stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                run.check(sender, reader.awaitAtLeast(sender.sent(), WAIT, Duration.ofSeconds(3)), "after the failover");
                run.log("after the failover: " + sender.sent() + " events, each predicted exactly once");
                next.cancel(job);
                assertThat(next.awaitJobState(job, Set.of("CANCELED"), WAIT)).isEqualTo("CANCELED");
            }
        }
    }
}
