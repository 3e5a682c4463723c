package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.deploy.cluster.LocalCluster;
import io.seqstream.deploy.cluster.PidFile;
import io.seqstream.deploy.testing.DashboardMetrics;
import io.seqstream.deploy.testing.EventSender;
import io.seqstream.deploy.testing.PredictionCheck;
import io.seqstream.deploy.testing.PredictionReader;
import io.seqstream.deploy.testing.Replays;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.metrics.MetricCatalog;
import io.seqstream.schemas.ErrorKind;
import io.seqstream.schemas.Prediction;
import io.seqstream.testkit.PrometheusScrape;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The prediction job on a real multi-process Flink cluster (JobManager, TaskManager and Kafka broker JVMs),
 * submitted from the shaded job jar the way users submit it:
 * <ol>
 *   <li>REST submission (jar upload + run), parallelism 1; predictions equal the per-key reference;</li>
 *   <li>stop with a savepoint (REST), resubmit from it through Flink's own CLI front end with parallelism 2;
 *       every key continues where it stopped (steps continue, outputs equal the reference over the whole
 *       sequence, same model version);</li>
 *   <li>kill -9 of the TaskManager mid-stream, a new TaskManager started; no prediction lost or duplicated
 *       (read_committed);</li>
 *   <li>cancel; then an at-least-once job over every event, kill -9 of its TaskManager: the replays are exact
 *       copies of predictions already written, and dropping repeated (key, step, eventTime) leaves the reference;</li>
 *   <li>stop; every process is gone. Processes are killed by pid even if the test fails.</li>
 * </ol>
 */
class LocalClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // five phases, four job starts; a loaded machine needs minutes for some
    void restSubmitSavepointRescaleAndTaskManagerCrash() throws Exception {
        Path runDir;
        try (ClusterRun run = ClusterRun.start("cluster-it", o -> o.jobManagerMemory("1024m").taskManagerMemory("1536m").slots(2)
                .eventPartitions(4)
                // A job key from the cluster's Flink configuration: both the REST and the CLI submission see it
                // (PredictionCheck compares the full output vectors, which only this entry turns on).
                .flinkConfig(JobConfig.FLINK_PREFIX + ConfigKeys.OUTPUT_FULL_VECTOR.name(), "true"))) {
            LocalCluster cluster = run.cluster();
            runDir = run.runDir();
            assertThat(script("cluster.sh", "status", "--run-dir", runDir.toString())).contains("healthy");

            FlinkRest rest = cluster.rest();
            String bootstrap = cluster.kafkaBootstrap();
            List<String> jobArgs = run.jobArgs("2m");

            try (EventSender sender = new EventSender(bootstrap, ConfigKeys.TOPIC_EVENTS.defaultValue().orElseThrow(), ClusterRun.KEYS,
                    ClusterRun.VOCAB, 7);
                    PredictionReader reader = new PredictionReader(bootstrap, ConfigKeys.TOPIC_PREDICTIONS.defaultValue().orElseThrow())) {
                // 1. REST: upload + run, parallelism 1.
                String jarId = rest.uploadJar(TestPaths.jobJar());
                List<String> args1 = new ArrayList<>(jobArgs);
                args1.addAll(List.of("--parallelism", "1"));
                String job1 = rest.runJar(jarId, FlinkRest.RunRequest.of(args1).withParallelism(1));
                awaitTasksRunning(rest, job1);
                run.log("job 1 running (REST, parallelism 1)");
                for (int r = 0; r < 20; r++) {
                    sender.sendRound(null);
                }
                run.check(sender, reader.awaitAtLeast(sender.sent(), WAIT, SETTLE), "phase 1 (parallelism 1)");
                run.log("phase 1 checked: " + sender.sent() + " predictions");
                checkMetrics(cluster, sender.sent());
                run.log("metrics scraped from the TaskManager's and the JobManager's /metrics");

                // 2. Stop with a savepoint; resubmit from it with Flink's CLI, parallelism 2.
                String savepoint = rest.stopWithSavepoint(job1, null, false, WAIT);
                assertThat(rest.awaitJobState(job1, Set.of("FINISHED", "CANCELED"), WAIT)).isIn("FINISHED", "CANCELED");
                run.log("job 1 stopped with savepoint " + savepoint);
                List<String> cli = new ArrayList<>(List.of("--run-dir", runDir.toString(), "run", "-d", "-s", savepoint, "-p", "2",
                        TestPaths.jobJar().toString()));
                cli.addAll(jobArgs);
                cli.addAll(List.of("--parallelism", "2"));
                Matcher m = JOB_ID.matcher(script("flink.sh", cli.toArray(String[]::new)));
                assertThat(m.find()).as("the CLI prints the job id").isTrue();
                String job2 = m.group(1);
                awaitTasksRunning(rest, job2);
                // Every vertex runs at the new parallelism except the models-topic source (one partition, parallelism 1 by design).
                Map<String, Integer> vertices = rest.vertexParallelism(job2);
                assertThat(vertices).as("vertices of job 2").hasSizeGreaterThan(1);
                vertices.forEach((name, p) -> assertThat(p).as("parallelism of vertex '%s'", name)
                        .isEqualTo(name.startsWith("Source: models") ? 1 : 2));
                run.log("job 2 running (CLI, from savepoint, parallelism 2)");
                for (int r = 0; r < 15; r++) {
                    sender.sendRound(r == 4 ? "key-0" : null); // one reset: its step restarts at 1
                }
                run.check(sender, reader.awaitAtLeast(sender.sent(), WAIT, SETTLE), "phase 2 (restored, parallelism 2)");
                run.log("phase 2 checked: " + sender.sent() + " predictions");

                // 3. kill -9 of the TaskManager while events flow; a new TaskManager takes over.
                long checkpointsBefore = rest.completedCheckpoints(job2);
                CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                    for (int r = 0; r < 25; r++) {
                        sender.sendRound(null);
                        ClusterRun.sleep(200);
                    }
                });
                ClusterRun.await(() -> rest.completedCheckpoints(job2) >= checkpointsBefore + 2, "two more checkpoints", WAIT);
                List<PidFile> tms = cluster.liveTaskManagers();
                assertThat(tms).hasSize(1);
                assertThat(cluster.killTaskManager(tms.get(0).processName())).isTrue();
                run.log("killed " + tms.get(0).processName() + " (kill -9) after " + sender.sent() + " events sent");
                String replacement = cluster.addTaskManager();
                run.log("started " + replacement);
                stream.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                run.check(sender, reader.awaitAtLeast(sender.sent(), WAIT, Duration.ofSeconds(3)), "phase 3 (TaskManager crash)");
                run.log("phase 3 checked: " + sender.sent() + " predictions, exactly once");

                // 4. Cancel through REST; the job list shows it.
                rest.cancel(job2);
                assertThat(rest.awaitJobState(job2, Set.of("CANCELED"), WAIT)).isEqualTo("CANCELED");
                assertThat(rest.jobs()).extracting(JobSummary::id).contains(job1, job2);
                assertThat(script("submit.sh", "--run-dir", runDir.toString(), "list")).contains(job1, job2);

                // 5. At-least-once: a fresh job reads every event from the start into a topic of its own; kill -9 of
                // its TaskManager while events flow. Replays repeat (key, step) predictions already
                // written (up to float rounding), and dropping them (docs/OPERATIONS.md) leaves exactly the reference.
                String aloTopic = "predictions-at-least-once";
                createTopic(bootstrap, aloTopic, 4);
                List<String> args3 = new ArrayList<>(jobArgs);
                args3.addAll(
                        List.of("--" + ConfigKeys.DELIVERY.name(), "at-least-once", "--" + ConfigKeys.TOPIC_PREDICTIONS.name(), aloTopic,
                                "--" + ConfigKeys.KAFKA_GROUP_ID.name(), "it-at-least-once", "--parallelism", "2"));
                String job3 = rest.runJar(jarId, FlinkRest.RunRequest.of(args3).withParallelism(2));
                awaitTasksRunning(rest, job3);
                run.log("job 3 running (at-least-once, from the earliest event, parallelism 2)");
                try (PredictionReader alo = new PredictionReader(bootstrap, aloTopic)) {
                    long before3 = rest.completedCheckpoints(job3);
                    CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
                        for (int r = 0; r < 25; r++) {
                            sender.sendRound(null);
                            ClusterRun.sleep(200);
                        }
                    });
                    ClusterRun.await(() -> rest.completedCheckpoints(job3) >= before3 + 2, "two checkpoints of job 3", WAIT);
                    List<PidFile> live = cluster.liveTaskManagers();
                    assertThat(live).hasSize(1);
                    assertThat(cluster.killTaskManager(live.get(0).processName())).isTrue();
                    run.log("killed " + live.get(0).processName() + " under job 3 after " + sender.sent() + " events sent");
                    cluster.addTaskManager();
                    more.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    List<Prediction> all = alo.awaitDistinct(sender.sent(), WAIT, Duration.ofSeconds(3));
                    Replays.Result replays = Replays.drop(all);
                    assertThat(replays.mismatches()).as("replays that differ from the prediction they repeat").isEmpty();
                    run.check(sender, replays.distinct(), "phase 5 (at-least-once, TaskManager crash, replays dropped)");
                    run.log("phase 5 checked: " + all.size() + " predictions read, " + replays.dropped()
                            + " replays dropped, " + replays.distinct().size() + " distinct = events sent");
                }
                rest.cancel(job3);
                assertThat(rest.awaitJobState(job3, Set.of("CANCELED"), WAIT)).isEqualTo("CANCELED");
            }
        }
        // Passed: keep the logs, drop the bulk (Flink's temp files, RocksDB's native library, uploaded jars).
        TempDirs.deleteRecursively(runDir.resolve("tmp"));
        TempDirs.deleteRecursively(runDir.resolve("jars"));
    }

    /**
     * Prometheus: the TaskManager's /metrics has the job's metrics with sane values, the JobManager's the
     * checkpoint counts, and together they have every metric the dashboard and the alert rules use (except the
     * trainer's and the training report's: retraining is off here; RetrainDriftTest reads those).
     */
    private static void checkMetrics(LocalCluster cluster, int sent) throws IOException, InterruptedException {
        String p = MetricCatalog.OPERATOR_PREFIX;
        String tmUrl = cluster.runDir().metricsUrl("taskmanager-1").orElseThrow();
        String jmUrl = cluster.runDir().metricsUrl(LocalCluster.JOBMANAGER).orElseThrow();
        PrometheusScrape tm = PrometheusScrape.of(tmUrl);
        PrometheusScrape jm = PrometheusScrape.of(jmUrl);
        assertThat(tm.sum(p + "predictionsOut")).as(tmUrl + " predictionsOut").isGreaterThanOrEqualTo(sent);
        assertThat(tm.sum(p + "recordsIn")).as("recordsIn").isGreaterThanOrEqualTo(sent);
        assertThat(tm.samples(p + "modelVersion")).as("modelVersion").isNotEmpty()
                .allSatisfy(s -> assertThat(s.value()).isEqualTo(ClusterRun.MODEL_VERSION));
        for (String q : List.of("0.5", "0.99", "0.999")) {
            assertThat(tm.samples(p + "eventToPredictionMs", "quantile", q)).as("eventToPredictionMs p" + q).isNotEmpty()
                    .allSatisfy(s -> assertThat(s.value()).isBetween(0.0, (double) WAIT.toMillis()));
        }
        assertThat(tm.samples(p + "eventTimeLagMs")).as("eventTimeLagMs").isNotEmpty()
                .allSatisfy(s -> assertThat(s.value()).isBetween(0.0, (double) WAIT.toMillis()));
        for (ErrorKind k : ErrorKind.values()) {
            assertThat(tm.samples(p + "kind_deadLetters", "kind", k.name())).as("dead letters of kind " + k).singleElement()
                    .satisfies(s -> assertThat(s.value()).isZero());
        }
        assertThat(jm.sum("flink_jobmanager_job_numberOfCompletedCheckpoints")).as(jmUrl + " completed checkpoints").isPositive();
        assertThat(jm.sum("flink_jobmanager_numRegisteredTaskManagers")).isEqualTo(1);
        Set<String> trainer = new java.util.HashSet<>();
        MetricCatalog.all().stream().filter(e -> e.operator().equals("retrain") || e.operator().equals("training report"))
                .forEach(e -> trainer.add(e.prometheusName()));
        Set<String> scraped = new java.util.TreeSet<>(tm.names());
        scraped.addAll(jm.names());
        for (String name : DashboardMetrics.allMetricNames(TestPaths.deployDir())) {
            if (!trainer.contains(name)) {
                assertThat(scraped).as("the dashboard's/alerts' metric %s on %s or %s", name, tmUrl, jmUrl).contains(name);
            }
        }
    }

    private static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1))).all()
                    .get(60, TimeUnit.SECONDS);
        }
    }

    private static void awaitTasksRunning(FlinkRest rest, String jobId) {
        rest.awaitJobState(jobId, Set.of("RUNNING"), WAIT);
        ClusterRun.await(() -> rest.allTasksRunning(jobId), "all tasks of job " + jobId + " running", WAIT);
    }

    /** Runs one of the deploy scripts and returns its output; fails on a non-zero exit. */
    private static String script(String name, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", TestPaths.deployDir().resolve(name).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(name + " finished").isTrue();
        assertThat(p.exitValue()).as(name + " " + String.join(" ", args) + " exit code; output:\n" + out).isZero();
        return out;
    }

}
