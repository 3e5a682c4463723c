package io.seqstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.deploy.cluster.ClusterOptions;
import io.seqstream.deploy.cluster.LocalCluster;
import io.seqstream.deploy.cluster.PidFile;
import io.seqstream.deploy.cluster.RunDir;
import io.seqstream.deploy.testing.EventSender;
import io.seqstream.deploy.testing.PredictionCheck;
import io.seqstream.deploy.testing.TestModels;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.model.Sequential;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.Prediction;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * One cluster test's run: a work folder with the test model saved in it, a {@link LocalCluster} started there, and a
 * shutdown hook that kills what the run started, by pid, whatever happens to the test (failure, timeout, Ctrl-C).
 * {@link #close()} stops the cluster and checks that no process is left.
 */
final class ClusterRun implements AutoCloseable {
    public static final int KEYS = 24;
    public static final int VOCAB = 16;
    public static final long MODEL_VERSION = 7;
    public static final double TOLERANCE = 1e-5;

    private final String name;
    private final long t0 = System.nanoTime();
    private final Sequential model = TestModels.tokenModel(VOCAB, 8, 16, 42);
    private final Path modelFile;
    private final Path runDir;
    private final Thread killer;
    private LocalCluster cluster;

    private ClusterRun(String name) throws IOException {
        this.name = name;
        Path work = TestPaths.workDir(name);
        this.runDir = work.resolve("run");
        this.modelFile = work.resolve("model.zip");
        ModelFile.save(model, modelFile);
        this.killer = new Thread(() -> new RunDir(runDir).pidFiles().forEach(PidFile::kill), "kill-cluster");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts a cluster in a new work folder {@code name}, with the options {@code options} makes of the defaults. */
    public static ClusterRun start(String name, UnaryOperator<ClusterOptions> options) throws Exception {
        ClusterRun run = new ClusterRun(name);
        try {
            run.cluster = LocalCluster.start(options.apply(new ClusterOptions(run.runDir, TestPaths.clusterClasspath(),
                    TestPaths.toolsClasspath())));
        } catch (Exception | Error e) {
            run.close();
            throw e;
        }
        run.log("cluster started");
        return run;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public Sequential model() {
        return model;
    }

    public Path runDir() {
        return runDir;
    }

    /**
     * The job's arguments for this cluster and model: the cluster's job properties, the model, 1 s checkpoints, the
     * events topic from its start, and the given Kafka transaction timeout; then {@code more}.
     */
    public List<String> jobArgs(String transactionTimeout, String... more) {
        List<String> args = new ArrayList<>(List.of("--config", cluster.runDir().jobProperties().toString(),
                "--" + ConfigKeys.MODEL_PATH.name(), modelFile.toString(),
                "--" + ConfigKeys.MODEL_VERSION.name(), String.valueOf(MODEL_VERSION),
                "--" + ConfigKeys.CHECKPOINT_INTERVAL.name(), "1s",
                "--" + ConfigKeys.SOURCE_START.name(), "earliest",
                "--" + ConfigKeys.KAFKA_TRANSACTION_TIMEOUT.name(), transactionTimeout));
        args.addAll(List.of(more));
        return args;
    }

    /** Every event of {@code sender} predicted exactly once, steps without gap, outputs equal to the reference. */
    public void check(EventSender sender, List<Prediction> got, String phase) {
        List<String> problems = PredictionCheck.problems(model, MODEL_VERSION, sender.sequences(), got, TOLERANCE);
        assertThat(problems).as(phase + ": " + got.size() + " predictions for " + sender.sent() + " events").isEmpty();
        assertThat(got).as(phase).hasSize(sender.sent());
    }

    /** Waits until {@code c} holds; an exception from {@code c} counts as not yet (a REST API mid-failover). */
    public static void await(BooleanSupplier c, String what, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!holds(c)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            sleep(200);
        }
    }

    private static boolean holds(BooleanSupplier c) {
        try {
            return c.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    public void log(String what) {
        System.out.printf("[%s %6.1f s] %s%n", name, (System.nanoTime() - t0) / 1e9, what);
    }

    /** Stops the cluster (if it started) and checks that no process of it is left. */
    @Override
    public void close() {
        try {
            if (cluster != null) {
                log("stopped " + cluster.stop());
            } else {
                new RunDir(runDir).pidFiles().forEach(PidFile::kill); // a start that failed half-way
            }
        } finally {
            Runtime.getRuntime().removeShutdownHook(killer);
        }
        assertThat(new RunDir(runDir).pidFiles()).as("no pid file left").isEmpty();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
