package io.seqstream.deploy.cluster;

import io.seqstream.deploy.FlinkRest;
import io.seqstream.deploy.KafkaBrokerMain;
import io.seqstream.deploy.TopicSpec;
import io.seqstream.jobs.config.ConfigKey;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.StateBackendKind;
import io.seqstream.testkit.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real multi-process Flink session cluster on 127.0.0.1 built from Maven-resolved jars (no Flink tarball):
 * one JobManager JVM ({@code StandaloneSessionClusterEntrypoint}), TaskManager JVMs ({@code TaskManagerRunner})
 * and, optionally, a Kafka broker JVM ({@link KafkaBrokerMain}). Everything of a run lives in one {@link RunDir};
 * processes are found again through their pid files, so another JVM (e.g. {@code cluster.sh stop}) can
 * stop exactly what {@code start} started and nothing else.
 */
public final class LocalCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    public static final String JOBMANAGER = "jobmanager";
    public static final String KAFKA = "kafka";
    public static final String TASKMANAGER_PREFIX = "taskmanager-";
    /** Standby JobManagers are jobmanager-standby-1, -2, ... */
    public static final String STANDBY_PREFIX = JOBMANAGER + "-standby-";
    public static final String ZOOKEEPER = "zookeeper";
    static final String ZOOKEEPER_MAIN = "org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.server.ZooKeeperServerMain";
    static final String JOBMANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    static final String TASKMANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final Pattern TASKMANAGER_NAME = Pattern.compile(TASKMANAGER_PREFIX + "(\\d+)\\.(?:pid|log|out)");

    private final RunDir dir;
    private final String clusterClasspath;
    private final Duration timeout;

    private LocalCluster(RunDir dir, String clusterClasspath, Duration timeout) {
        this.dir = dir;
        this.clusterClasspath = clusterClasspath;
        this.timeout = timeout;
    }

    /**
     * Starts the broker (if configured), the JobManager and the TaskManagers, and returns once the TaskManagers'
     * slots are registered and the broker serves its topics. On failure everything started is stopped again.
     */
    public static LocalCluster start(ClusterOptions o) {
        // The REST and RPC ports are free when chosen but bound seconds later: another process may take one in
        // between. The JobManager then fails to bind, and a new pair of ports is tried.
        for (int attempt = 1;; attempt++) {
            try {
                return startOnce(o);
            } catch (IllegalStateException e) {
                boolean portTaken = tail(new RunDir(o.runDir).logFile(JOBMANAGER), 200).contains("Address already in use");
                if (!portTaken || attempt == START_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static LocalCluster startOnce(ClusterOptions o) {
        RunDir dir = new RunDir(o.runDir);
        List<String> running = dir.pidFiles().stream().filter(p -> p.liveProcess().isPresent())
                .map(p -> p.processName() + " (pid " + p.pid().orElseThrow() + ")").toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a cluster is already running in " + dir + ": " + running + "; stop it first");
        }
        dir.pidFiles().forEach(PidFile::delete); // stale files of processes that are gone
        dir.createDirectories();
        FreePorts ports = new FreePorts();
        int restPort = ports.next();
        int rpcPort = ports.next();
        Map<String, String> conf = new LinkedHashMap<>(FlinkConfFiles.config(dir, o, restPort, rpcPort));
        int zooKeeperPort = o.standbyJobManagers > 0 ? ports.next() : -1;
        if (zooKeeperPort > 0) {
            conf.putAll(FlinkConfFiles.highAvailability(dir, zooKeeperPort));
        }
        FlinkConfFiles.write(dir, conf);
        Properties props = new Properties();
        props.setProperty(RunDir.REST_URL, "http://" + HOST + ":" + restPort);
        props.setProperty(RunDir.REST_PORT, String.valueOf(restPort));
        props.setProperty(RunDir.RPC_PORT, String.valueOf(rpcPort));
        dir.writeClusterProperties(props);

        LocalCluster cluster = new LocalCluster(dir, o.clusterClasspath, o.startTimeout);
        try {
            if (o.kafka) {
                cluster.launchBroker(o);
            }
            if (zooKeeperPort > 0) {
                cluster.launchZooKeeper(o, zooKeeperPort);
            }
            MemoryParams jm = MemoryParams.jobManager(dir.conf(), o.clusterClasspath);
            cluster.launchJobManager(jm, JOBMANAGER, List.of());
            for (int i = 1; i <= o.standbyJobManagers; i++) {
                int standbyRest = ports.next();
                String name = STANDBY_PREFIX + i;
                // Its own temp dir: a JobManager deletes what it unpacked there (the RPC system's jar) when it stops.
                createDirectories(dir.tmp().resolve(name));
                cluster.launchJobManager(jm, name, List.of("-D", "rest.port=" + standbyRest, "-D", "jobmanager.rpc.port=" + ports.next(),
                        "-D", "io.tmp.dirs=" + dir.tmp().resolve(name)));
                dir.putClusterProperty(name + "." + RunDir.REST_URL, "http://" + HOST + ":" + standbyRest);
            }
            MemoryParams tm = MemoryParams.taskManager(dir.conf(), o.clusterClasspath);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < o.taskManagers; i++) {
                names.add(cluster.launchTaskManager(tm));
            }
            cluster.awaitRest();
            for (String name : names) {
                cluster.awaitTaskManager(name);
            }
            if (o.kafka) {
                String bootstrap = cluster.awaitBroker();
                dir.putClusterProperty(RunDir.KAFKA_BOOTSTRAP, bootstrap);
                writeJobProperties(dir, bootstrap);
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.stop();
            throw e;
        }
    }

    /** The cluster of an existing run folder (to add or stop processes, or report status). */
    public static LocalCluster attach(Path runDir, String clusterClasspath) {
        RunDir dir = new RunDir(runDir);
        dir.clusterProperties(); // fails with a clear message if there is no cluster
        return new LocalCluster(dir, clusterClasspath, Duration.ofSeconds(120));
    }

    public RunDir runDir() {
        return dir;
    }

    public String restUrl() {
        return dir.clusterProperties().getProperty(RunDir.REST_URL);
    }

    /** The broker's bootstrap address; fails if this cluster has no broker. */
    public String kafkaBootstrap() {
        String b = dir.clusterProperties().getProperty(RunDir.KAFKA_BOOTSTRAP);
        if (b == null) {
            throw new IllegalStateException("the cluster in " + dir + " has no Kafka broker");
        }
        return b;
    }

    public FlinkRest rest() {
        return new FlinkRest(restUrl());
    }

    /** Starts one more TaskManager and waits until its slots are registered; returns its name (taskmanager-N). */
    public String addTaskManager() {
        String name = launchTaskManager(MemoryParams.taskManager(dir.conf(), requireClasspath()));
        awaitTaskManager(name);
        return name;
    }

    /** The pid files of the TaskManagers this run started that are still alive. */
    public List<PidFile> liveTaskManagers() {
        return dir.pidFiles().stream().filter(p -> p.processName().startsWith(TASKMANAGER_PREFIX))
                .filter(p -> p.liveProcess().isPresent()).toList();
    }

    /** kill -9 of one TaskManager (a crash: no shutdown, no deregistration). */
    public boolean killTaskManager(String name) {
        return dir.pidFile(name).kill();
    }

    public ClusterStatus status() {
        return ClusterStatus.of(dir);
    }

    /**
     * Stops every process of this run that its pid files name and that is still the process that was started:
     * TaskManagers first, then the JobManager, then the broker (SIGTERM, SIGKILL after 30 s). Never touches
     * anything else.
     */
    public List<String> stop() {
        List<PidFile> all = dir.pidFiles();
        List<PidFile> taskManagers = all.stream().filter(p -> p.processName().startsWith(TASKMANAGER_PREFIX)).toList();
        List<PidFile> rest = new ArrayList<>(all.stream().filter(p -> p.processName().equals(JOBMANAGER)).toList());
        all.stream().filter(p -> !taskManagers.contains(p) && !rest.contains(p)).forEach(rest::add);
        List<String> stopped = java.util.Collections.synchronizedList(new ArrayList<>());
        // TaskManagers in parallel (each may take seconds to shut down), then the JobManager, then the broker.
        taskManagers.parallelStream().forEach(p -> stopOne(p, stopped));
        rest.forEach(p -> stopOne(p, stopped));
        return List.copyOf(stopped);
    }

    private static void stopOne(PidFile p, List<String> stopped) {
        Optional<Long> pid = p.pid();
        if (p.stop(STOP_GRACE)) {
            stopped.add(p.processName() + " (pid " + pid.orElse(-1L) + ")");
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void launchJobManager(MemoryParams jm, String name, List<String> extraArgs) {
        List<String> jvm = new ArrayList<>(jm.jvmArgs());
        jvm.addAll(JavaOpts.ALL);
        jvm.addAll(JavaOpts.SEQSTREAM);
        List<String> args = new ArrayList<>(List.of("--configDir", dir.conf().toString()));
        args.addAll(jm.dynamicArgs());
        args.addAll(extraArgs);
        args.addAll(metricsPort(name));
        JvmLauncher.launch(dir, name, clusterClasspath, jvm, JOBMANAGER_MAIN, args);
    }

    private static void createDirectories(Path d) {
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + d, e);
        }
    }

    private void launchZooKeeper(ClusterOptions o, int port) {
        Path cfg = dir.conf().resolve("zoo.cfg");
        try {
            Files.createDirectories(dir.root().resolve("zookeeper"));
            Files.writeString(cfg, FlinkConfFiles.zooKeeperConfig(dir, port), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + cfg, e);
        }
        JvmLauncher.launch(dir, ZOOKEEPER, o.clusterClasspath, List.of("-Xmx256m", "-Dzookeeper.admin.enableServer=false"),
                ZOOKEEPER_MAIN, List.of(cfg.toString()));
    }

    /** The REST API of one JobManager of this run ({@link #JOBMANAGER} or a standby). */
    public FlinkRest rest(String jobManager) {
        String url = jobManager.equals(JOBMANAGER) ? restUrl() : dir.clusterProperties().getProperty(jobManager + "." + RunDir.REST_URL);
        if (url == null) {
            throw new IllegalStateException("no JobManager " + jobManager + " in " + dir);
        }
        return new FlinkRest(url);
    }

    /** The JobManagers of this run that are alive, and of them the one whose log says it leads (empty if none yet). */
    public Optional<String> leadingJobManager() {
        return dir.pidFiles().stream().filter(p -> p.processName().equals(JOBMANAGER) || p.processName().startsWith(STANDBY_PREFIX))
                .filter(p -> p.liveProcess().isPresent()).map(PidFile::processName)
                .filter(this::grantedDispatcher).findFirst();
    }

    private boolean grantedDispatcher(String jobManager) {
        return tail(dir.logFile(jobManager), 100_000).lines().anyMatch(l -> l.contains("granted leadership") && l.contains("Dispatcher"));
    }

    /** kill -9 of one JobManager (a crash). */
    public boolean killJobManager(String name) {
        return dir.pidFile(name).kill();
    }

    private void launchBroker(ClusterOptions o) {
        // No broker of this run is alive (checked in start): what a killed one left behind is of no use.
        TempDirs.deleteRecursively(dir.kafkaData());
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.kafkaData().toString(), "--bootstrap-file",
                dir.kafkaBootstrapFile().toString()));
        for (TopicSpec t : defaultTopics(o.eventPartitions)) {
            args.add("--topic");
            args.add(t.toString());
        }
        List<String> jvm = new ArrayList<>(List.of("-Xms128m", "-Xmx512m"));
        JvmLauncher.launch(dir, KAFKA, o.toolsClasspath, jvm, KafkaBrokerMain.class.getName(), args);
    }

    /** The job's topics under their default names (ConfigKeys), so the default job config finds them. */
    static List<TopicSpec> defaultTopics(int eventPartitions) {
        return List.of(
                new TopicSpec(defaultOf(ConfigKeys.TOPIC_EVENTS), eventPartitions, false),
                new TopicSpec(defaultOf(ConfigKeys.TOPIC_PREDICTIONS), eventPartitions, false),
                new TopicSpec(defaultOf(ConfigKeys.TOPIC_DEAD_LETTERS), 1, false),
                // Models are looked up by key (latest version wins): compacted.
                new TopicSpec(defaultOf(ConfigKeys.TOPIC_MODELS), 1, true));
    }

    private static String defaultOf(ConfigKey<String> key) {
        return key.defaultValue().orElseThrow(() -> new IllegalStateException("config key " + key + " has no default"));
    }

    private String launchTaskManager(MemoryParams tm) {
        String name = TASKMANAGER_PREFIX + nextTaskManagerNumber();
        List<String> jvm = new ArrayList<>(tm.jvmArgs());
        jvm.addAll(JavaOpts.ALL);
        jvm.addAll(JavaOpts.SEQSTREAM);
        List<String> args = new ArrayList<>(List.of("--configDir", dir.conf().toString()));
        args.addAll(tm.dynamicArgs());
        // A readable, unique id: the REST API and the logs show which process a TaskManager is.
        args.add("-D");
        args.add("taskmanager.resource-id=" + name);
        args.addAll(metricsPort(name));
        JvmLauncher.launch(dir, name, requireClasspath(), jvm, TASKMANAGER_MAIN, args);
        return name;
    }

    /**
     * A Prometheus port of its own for one process (a -D dynamic property over config.yaml's range), recorded in
     * cluster.properties as {@code metrics.url.<process>}, so tests and users know which endpoint is whose.
     */
    private List<String> metricsPort(String process) {
        int port = new FreePorts().next();
        dir.putClusterProperty(RunDir.METRICS_URL_PREFIX + process, "http://" + HOST + ":" + port + "/metrics");
        return List.of("-D", FlinkConfFiles.PROMETHEUS_PORT_KEY + "=" + port);
    }

    // Numbers are never reused in a run folder: a replacement TaskManager gets a new name and log.
    private int nextTaskManagerNumber() {
        int max = 0;
        for (Path d : List.of(dir.pids(), dir.logs())) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Matcher m = TASKMANAGER_NAME.matcher(p.getFileName().toString());
                    if (m.matches()) {
                        max = Math.max(max, Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + d, e);
            }
        }
        return max + 1;
    }

    private void awaitRest() {
        FlinkRest rest = rest();
        await("the JobManager's REST API at " + rest.baseUrl(), JOBMANAGER, () -> {
            try {
                rest.overview();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private void awaitTaskManager(String name) {
        FlinkRest rest = rest();
        await(name + " to register its slots", name, () -> {
            try {
                return rest.taskManagers().stream().anyMatch(tm -> name.equals(tm.path("id").asText())
                        && tm.path("slotsNumber").asInt() > 0);
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private String awaitBroker() {
        Path f = dir.kafkaBootstrapFile();
        await("the Kafka broker to serve its topics", KAFKA, () -> Files.isRegularFile(f));
        try {
            return Files.readString(f, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Polls {@code ready}; fails at once, with the log's tail, if any process of the run has died. */
    private void await(String what, String logOf, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            for (PidFile p : dir.pidFiles()) {
                if (p.liveProcess().isEmpty()) {
                    throw new IllegalStateException(p.processName() + " exited while waiting for " + what + "; see "
                            + dir.outFile(p.processName()) + " and " + dir.logFile(p.processName()) + ":\n"
                            + tail(dir.outFile(p.processName()), 30));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; see "
                        + dir.logFile(logOf) + ":\n" + tail(dir.logFile(logOf), 30));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** The job config of this cluster: its broker, checkpoints in the run folder, RocksDB. model.path is the user's. */
    static void writeJobProperties(RunDir dir, String bootstrap) {
        JobConfig c = JobConfig.defaults()
                .with(ConfigKeys.KAFKA_BOOTSTRAP.name(), bootstrap)
                .with(ConfigKeys.CHECKPOINT_DIR.name(), RunDir.fileUri(dir.checkpoints()))
                .with(ConfigKeys.STATE_BACKEND.name(), StateBackendKind.ROCKSDB.configName()); // validated: a renamed key fails here
        StringBuilder sb = new StringBuilder();
        sb.append("# The prediction job's config for the local cluster in ").append(dir).append('\n')
                .append("# (JobConfig .properties format, every key in jobs/CONFIG.md). Written by cluster.sh start.\n")
                .append("# Add model.path here or pass --model.path FILE when submitting; flags override this file.\n");
        for (Map.Entry<String, String> e : c.explicitValues().entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        try {
            Files.writeString(dir.jobProperties(), sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.jobProperties(), e);
        }
    }

    private String requireClasspath() {
        if (clusterClasspath == null || clusterClasspath.isBlank()) {
            throw new IllegalStateException("the Flink cluster classpath is needed to start a TaskManager");
        }
        return clusterClasspath;
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(" + file + " does not exist)";
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "LocalCluster[" + dir + "]";
    }
}
