package io.seqstream.apps.demo;

import io.seqstream.apps.LocalFlink;
import io.seqstream.jobs.KafkaPredictionJob;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import io.seqstream.testkit.EmbeddedKafka;
import io.seqstream.testkit.SessionGenerator;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code ./seqstream demo}: the whole pipeline on one machine. A Kafka broker in this JVM (or
 * {@code --bootstrap}), the demo topics, a small next-event model trained at start, a producer of a
 * synthetic session stream over thousands of keys, the prediction job on a local Flink, and a consumer
 * that reads the predictions with read_committed and prints one status line per second.
 *
 * <p>With {@code --retrain true} (the default) the job also fine-tunes the model on every 10 s window of the
 * stream and hot-swaps each version that is not worse (the status line shows the serving version); the
 * training report (HTML) goes to {@code ./seqstream-demo-training-report.html}, printed at start and at the end.
 *
 * <p>{@code --events N} stops after N events with a summary; Ctrl-C stops cleanly too. Exit code 0 on
 * success, 1 when the job fails or the output does not arrive, 2 for bad options.
 */
public final class DemoRunner {
    private static final long STALL_TIMEOUT_MS = 60_000;

    long predictionsSeen() {
        return predictionsSeen;
    }

    long deadLettersSeen() {
        return deadLettersSeen;
    }

    private final DemoOptions options;
    private final Path workDir;
    private volatile boolean stopRequested;
    /** Predictions and dead letters the monitor saw, once run() has returned (for tests). */
    private volatile long predictionsSeen, deadLettersSeen;
    private final CountDownLatch finished = new CountDownLatch(1);

    DemoRunner(DemoOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
    }

    public static void main(String[] args) {
        System.exit(DemoOptions.commandLine(new DemoOptions()).execute(args));
    }

    static Path createWorkDir() {
        try {
            return Files.createTempDirectory("seqstream-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir under " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /** Runs until --events are done or Ctrl-C; returns the exit code. */
    int run() {
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                finished.await(30, TimeUnit.SECONDS); // let run() stop everything and print the summary
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "seqstream-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        EmbeddedKafka kafka = null;
        JobClient job = null;
        DemoProducer producer = null;
        PredictionMonitor monitor = null;
        Thread producerThread = null, monitorThread = null;
        StatusLine status = null;
        JobConfig reportConfig = null;
        long runStart = System.currentTimeMillis();
        int code = 1;
        try {
            say("seqstream demo: keyed LSTM predictions on a live event stream (Ctrl-C to stop)");
            String bootstrap;
            if (options.bootstrap().isPresent()) {
                bootstrap = options.bootstrap().get();
                say("[1/5] Kafka: using " + bootstrap);
            } else {
                say("[1/5] Kafka: starting a broker in this JVM (KRaft, 127.0.0.1, temp dir " + workDir + ")");
                kafka = EmbeddedKafka.start(workDir);
                bootstrap = kafka.bootstrapServers();
                say("      broker at " + bootstrap);
            }
            if (stopRequested) {
                return 0;
            }
            if (options.json()) {
                DemoEventTypes.writeVocabulary(workDir.resolve(DemoOptions.VOCABULARY_FILE));
            }
            JobConfig config = options.jobConfig(bootstrap, workDir);
            reportConfig = config;
            createTopics(bootstrap, config, options.partitions());
            say("[2/5] Model");
            Path modelPath = Path.of(config.get(ConfigKeys.MODEL_PATH));
            if (!options.hasModelFile() && options.json()) {
                say("      training Embedding(event_type: " + SessionGenerator.VOCABULARY + ",16) + Normalization([amount,"
                        + " seconds_since_last]) -> LSTM(48) -> Dense(" + SessionGenerator.VOCABULARY + ", softmax), two inputs per event,"
                        + " on " + options.trainSamples() + " synthetic sessions");
                // Seconds between a key's events: keys / rate on average (as fast as possible: next to none).
                double meanGap = options.rate() > 0 ? (double) options.keys() / options.rate() : 0.001;
                DemoModel.trainTwoInput(modelPath, options.seed(), options.trainSamples(), options.trainEpochs(), meanGap,
                        DemoRunner::say);
            } else if (!options.hasModelFile()) {
                say("      training Embedding(" + SessionGenerator.VOCABULARY + ",16) -> LSTM(48) -> Dense(" + SessionGenerator.VOCABULARY
                        + ", softmax) on " + options.trainSamples() + " synthetic sessions");
                DemoModel.train(modelPath, options.seed(), options.trainSamples(), options.trainEpochs(), DemoRunner::say);
            }
            ModelBackend model = StepModelBackend.fromConfig(config);
            say("      " + model.description());
            if (stopRequested) {
                return 0;
            }
            say("[3/5] Flink: starting the prediction job locally (" + config.delivery().configName() + ", batch " + config.batchSize()
                    + " / " + config.batchTimeoutMs() + " ms, checkpoints every " + config.get(ConfigKeys.CHECKPOINT_INTERVAL).toMillis()
                    + " ms)");
            say("      " + deliveryNote(config));
            job = startJob(config, model);
            if (config.get(ConfigKeys.RETRAIN_ENABLED)) {
                say("      retraining: a round per " + config.get(ConfigKeys.RETRAIN_INTERVAL).toSeconds()
                        + " s of event time, better versions "
                        + "hot-swapped (model vN below); training report: " + reportPath(config) + " (rewritten after each round)");
            }
            AccuracyTracker tracker = new AccuracyTracker();
            monitor = new PredictionMonitor(bootstrap, config.get(ConfigKeys.TOPIC_PREDICTIONS), config.get(ConfigKeys.TOPIC_DEAD_LETTERS),
                    tracker);
            monitorThread = start(monitor, "seqstream-demo-monitor");
            say("[4/5] Producer: " + (options.json()
                    ? "JSON events (string event types, numeric fields; mapping: "
                            + config.get(ConfigKeys.MAPPING_INPUTS) + "), "
                    : "") + options.keys() + " keys, " + (options.rate() == 0 ? "as fast as possible" : options.rate() + " events/s")
                    + (options.events() > 0 ? ", " + options.events() + " events" : "") + " -> " + config.get(ConfigKeys.TOPIC_EVENTS));
            producer = new DemoProducer(bootstrap, config.get(ConfigKeys.TOPIC_EVENTS), options.keys(), options.events(), options.rate(),
                    options.badEvery(), options.seed(), options.seed() + 1, tracker, options.json());
            producerThread = start(producer, "seqstream-demo-producer");
            say("[5/5] Live (predictions read with isolation.level=read_committed):");
            status = new StatusLine(producer, monitor, tracker);
            code = superviseUntilDone(job, producer, monitor, status);
        } catch (Exception e) {
            System.err.println("seqstream demo failed: " + e);
            code = 1;
        } finally {
            if (producer != null) {
                producer.stop();
                join(producerThread);
            }
            cancel(job);
            if (monitor != null) {
                monitor.stop();
                join(monitorThread);
                predictionsSeen = monitor.predictions();
                deadLettersSeen = monitor.deadLetters();
            }
            if (status != null) {
                say(status.summary() + (reportConfig == null
                        ? ""
                        : "\n         delivery " + reportConfig.delivery().configName()
                                + ": the latency above is event sent to prediction read, as a consumer sees it"));
            }
            if (reportConfig != null && reportConfig.get(ConfigKeys.RETRAIN_ENABLED)) {
                Path report = reportPath(reportConfig);
                boolean fresh = report.toFile().lastModified() >= runStart; // 0 when missing; an older file is a previous run's
                say("training report: " + report + (fresh ? "" : " (no training round completed in this run)"));
            }
            if (kafka != null) {
                kafka.close();
            }
            deleteRecursively(workDir);
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running
            }
        }
        return code;
    }

    /** What the delivery mode means for the latency the status line shows, and how to get the other one. */
    static String deliveryNote(JobConfig config) {
        long interval = config.get(ConfigKeys.CHECKPOINT_INTERVAL).toMillis();
        return config.delivery() == io.seqstream.jobs.config.DeliveryMode.AT_LEAST_ONCE
                ? "delivery at-least-once: predictions are visible as soon as they are computed; after a failure some are written again "
                        + "(drop them by key and step, docs/OPERATIONS.md). For exactly-once: --delivery exactly-once (visible at each "
                        + "checkpoint, about " + interval + " ms later)"
                : "delivery exactly-once: predictions become visible when a checkpoint commits them, about " + interval
                        + " ms after the event (read_committed readers); for real-time output: --delivery at-least-once";
    }

    private static Path reportPath(JobConfig config) {
        return Path.of(config.find(ConfigKeys.RETRAIN_REPORT).orElse(DemoOptions.DEFAULT_REPORT)).toAbsolutePath();
    }

    private int superviseUntilDone(JobClient job, DemoProducer producer, PredictionMonitor monitor, StatusLine status)
            throws InterruptedException, ExecutionException {
        long lastProgress = System.currentTimeMillis();
        long lastOutputs = -1;
        while (!stopRequested) {
            Thread.sleep(1000);
            say(status.line());
            JobStatus s = job.getJobStatus().get();
            if (s.isGloballyTerminalState()) {
                System.err.println("the prediction job stopped: " + s + failureOf(job));
                return 1;
            }
            if (producer.failure().isPresent()) {
                System.err.println("the demo producer failed: " + producer.failure().get());
                return 1;
            }
            long outputs = monitor.predictions() + monitor.deadLetters();
            if (options.events() > 0 && producer.sent() >= options.events() && outputs >= options.events()) {
                say("all " + options.events() + " events scored.");
                return 0;
            }
            if (outputs != lastOutputs) {
                lastOutputs = outputs;
                lastProgress = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - lastProgress > STALL_TIMEOUT_MS) {
                System.err.println("no output for " + STALL_TIMEOUT_MS / 1000 + " s: giving up");
                return 1;
            }
        }
        say("stopping (Ctrl-C)...");
        return 0;
    }

    private JobClient startJob(JobConfig config, ModelBackend model) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(config, workDir);
        KafkaPredictionJob.build(env, model, config);
        JobClient job = env.executeAsync("seqstream demo");
        long deadline = System.currentTimeMillis() + 60_000;
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            if (job.getJobStatus().get().isGloballyTerminalState() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the prediction job did not start: " + job.getJobStatus().get() + failureOf(job));
            }
            Thread.sleep(50);
        }
        return job;
    }

    private static String failureOf(JobClient job) {
        try {
            job.getJobExecutionResult().get(5, TimeUnit.SECONDS);
            return "";
        } catch (Exception e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            return " (" + t + ")";
        }
    }

    private static void createTopics(String bootstrap, JobConfig config, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : List.of(config.get(ConfigKeys.TOPIC_EVENTS), config.get(ConfigKeys.TOPIC_PREDICTIONS),
                    config.get(ConfigKeys.TOPIC_DEAD_LETTERS))) {
                try {
                    // Replication: the broker's default (1 on the embedded broker).
                    admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get(30,
                            TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrap + ": " + e.getCause(), e);
                    }
                }
            }
            // The models topic (hot swaps, retraining): one partition, compacted (every version stays listable), model-sized records.
            String models = config.get(ConfigKeys.TOPIC_MODELS);
            try {
                admin.createTopics(
                        List.of(new NewTopic(models, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact",
                                "max.message.bytes", String.valueOf(16 << 20)))))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + models + " on " + bootstrap + ": " + e.getCause(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " did not create the demo topics within 30 s", e);
        }
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void cancel(JobClient job) {
        if (job == null) {
            return;
        }
        try {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("could not cancel the prediction job: " + e);
        }
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) {
        try {
            TempDirs.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            // best effort: it is a temp dir
        }
    }
}
