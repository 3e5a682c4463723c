package io.seqstream.deploy.cluster;

import io.seqstream.jobs.NetworkTuning;
import io.seqstream.jobs.state.RocksDbTuning;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the Flink conf dir of a local cluster: config.yaml and the log4j files Flink's scripts would use. */
final class FlinkConfFiles {
    static final String CONFIG_YAML = "config.yaml";
    /** Processes (JobManager, TaskManager, broker): a log file per process. */
    static final String LOG4J = "log4j.properties";
    /** The CLI front end: a log file, and only errors on the console. */
    static final String LOG4J_CLI = "log4j-cli.properties";
    /** Flink's Prometheus reporter (flink-metrics-prometheus, on the cluster classpath): /metrics on each process. */
    static final String PROMETHEUS_FACTORY_KEY = "metrics.reporter.prom.factory.class";
    static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** The port of a process's /metrics; the local cluster gives each process a port of its own with -D. */
    public static final String PROMETHEUS_PORT_KEY = "metrics.reporter.prom.port";
    /** The documented default (docs/OPERATIONS.md): each process takes the first free port of the range. */
    static final String PROMETHEUS_PORTS = "9249-9259";

    private FlinkConfFiles() {
    }

    /** The config.yaml entries of a cluster in {@code dir} with the given ports. */
    static Map<String, String> config(RunDir dir, ClusterOptions o, int restPort, int rpcPort) {
        Map<String, String> c = new LinkedHashMap<>();
        // Everything on the loopback interface only.
        c.put("jobmanager.rpc.address", LocalCluster.HOST);
        c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        c.put("jobmanager.bind-host", LocalCluster.HOST);
        c.put("taskmanager.host", LocalCluster.HOST);
        c.put("taskmanager.bind-host", LocalCluster.HOST);
        c.put("rest.address", LocalCluster.HOST);
        c.put("rest.bind-address", LocalCluster.HOST);
        c.put("rest.port", String.valueOf(restPort));
        // Memory and slots (BashJavaUtils turns the process sizes into -Xmx etc., as Flink's scripts do).
        c.put("jobmanager.memory.process.size", o.jobManagerMemory);
        c.put("taskmanager.memory.process.size", o.taskManagerMemory);
        c.put("taskmanager.numberOfTaskSlots", String.valueOf(o.slots));
        c.put("parallelism.default", "1");
        // Key groups, the upper bound for rescaling from a savepoint: fixed, so it never depends on the first parallelism.
        c.put("pipeline.max-parallelism", "128");
        // Without it a TaskManager that starts before the JobManager is ready waits 10 s to retry.
        c.put("cluster.registration.error-delay", "500 ms");
        // All processes share one machine: notice a dead TaskManager in seconds, not the default 50 s.
        c.put("heartbeat.interval", "1 s");
        c.put("heartbeat.timeout", "10 s");
        // Network buffers sized to ~20 ms of throughput: checkpoint barriers queue behind less (NetworkTuning).
        c.putAll(NetworkTuning.OPTIONS);
        // State: RocksDB, checkpoints and savepoints in the run folder.
        c.put("state.backend.type", "rocksdb");
        c.putAll(RocksDbTuning.OPTIONS);
        c.put("execution.checkpointing.dir", RunDir.fileUri(dir.checkpoints()));
        c.put("execution.checkpointing.savepoint-dir", RunDir.fileUri(dir.savepoints()));
        // Temp files in the run folder, never in /tmp; uploaded jars survive a JobManager restart.
        c.put("io.tmp.dirs", dir.tmp().toString());
        c.put("web.tmpdir", dir.tmp().resolve("web").toString());
        c.put("web.upload.dir", dir.root().resolve("jars").toString());
        c.put("blob.storage.directory", dir.tmp().resolve("blobs").toString());
        // Prometheus: every process serves /metrics (LocalCluster picks a free port per process).
        c.put(PROMETHEUS_FACTORY_KEY, PROMETHEUS_FACTORY);
        c.put(PROMETHEUS_PORT_KEY, PROMETHEUS_PORTS);
        c.put("env.java.opts.all", JavaOpts.join(JavaOpts.ALL));
        c.put("env.java.opts.jobmanager", JavaOpts.join(JavaOpts.SEQSTREAM));
        c.put("env.java.opts.taskmanager", JavaOpts.join(JavaOpts.SEQSTREAM));
        c.put("env.java.opts.client", JavaOpts.join(JavaOpts.SEQSTREAM));
        c.putAll(o.flinkConfig);
        return c;
    }

    /** The config.yaml entries of ZooKeeper high availability (leader election, job graphs and checkpoints in ZooKeeper). */
    static Map<String, String> highAvailability(RunDir dir, int zooKeeperPort) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("high-availability.type", "zookeeper");
        c.put("high-availability.zookeeper.quorum", LocalCluster.HOST + ":" + zooKeeperPort);
        c.put("high-availability.storageDir", RunDir.fileUri(dir.root().resolve("ha")));
        c.put("high-availability.cluster-id", "/seqstream-local");
        // Two JobManagers, ZooKeeper, a TaskManager and the broker start at once: on a busy machine the RPC system
        // needs more than the default 10 s.
        c.put("pekko.startup-timeout", "60 s");
        return c;
    }

    /** zoo.cfg of the local ZooKeeper: loopback only, no admin server (it would take port 8080). */
    static String zooKeeperConfig(RunDir dir, int port) {
        return "tickTime=500\ninitLimit=10\nsyncLimit=5\nclientPortAddress=" + LocalCluster.HOST + "\nclientPort=" + port
                + "\ndataDir=" + dir.root().resolve("zookeeper") + "\nadmin.enableServer=false\n";
    }

    static void write(RunDir dir, Map<String, String> config) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("# Written by deploy/cluster.sh start (io.seqstream.deploy.cluster.LocalCluster):\n")
                .append("# a Flink session cluster on ").append(LocalCluster.HOST).append(", run folder ").append(dir).append('\n');
        config.forEach((k, v) -> yaml.append(k).append(": ").append(yamlScalar(v)).append('\n'));
        writeFile(dir.conf().resolve(CONFIG_YAML), yaml.toString());
        writeFile(dir.conf().resolve(LOG4J), processLog4j());
        writeFile(dir.conf().resolve(LOG4J_CLI), cliLog4j());
    }

    /** Plain YAML scalars where that is safe, single-quoted otherwise. */
    static String yamlScalar(String v) {
        boolean plain = !v.isEmpty() && !v.contains(": ") && !v.contains(" #") && !v.endsWith(":")
                && "!&*[]{}|>'\"%@`#,?".indexOf(v.charAt(0)) < 0 && !v.startsWith("- ") && v.equals(v.trim());
        return plain ? v : "'" + v.replace("'", "''") + "'";
    }

    private static String processLog4j() {
        return """
                # Flink's default process logging, one file per process (-Dlog.file), plus quieter Kafka and metrics.
                monitorInterval = 30
                rootLogger.level = INFO
                rootLogger.appenderRef.main.ref = MainAppender
                logger.kafka.name = org.apache.kafka
                logger.kafka.level = WARN
                logger.kafkaserver.name = kafka
                logger.kafkaserver.level = WARN
                logger.pekko.name = org.apache.pekko
                logger.pekko.level = WARN
                logger.zookeeper.name = org.apache.zookeeper
                logger.zookeeper.level = WARN
                # The Kafka source registers the same metric names many times; the warnings are harmless.
                logger.metrics.name = org.apache.flink.metrics
                logger.metrics.level = ERROR
                appender.main.name = MainAppender
                appender.main.type = RollingFile
                appender.main.append = true
                appender.main.fileName = ${sys:log.file}
                appender.main.filePattern = ${sys:log.file}.%i
                appender.main.layout.type = PatternLayout
                appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                appender.main.policies.type = Policies
                appender.main.policies.size.type = SizeBasedTriggeringPolicy
                appender.main.policies.size.size = 100MB
                appender.main.policies.startup.type = OnStartupTriggeringPolicy
                appender.main.strategy.type = DefaultRolloverStrategy
                appender.main.strategy.max = 10
                """;
    }

    private static String cliLog4j() {
        return """
                # The Flink CLI: everything into -Dlog.file, only errors on the console.
                rootLogger.level = INFO
                rootLogger.appenderRef.file.ref = FileAppender
                rootLogger.appenderRef.console.ref = ConsoleAppender
                logger.metrics.name = org.apache.flink.metrics
                logger.metrics.level = ERROR
                appender.file.name = FileAppender
                appender.file.type = FILE
                appender.file.append = true
                appender.file.fileName = ${sys:log.file}
                appender.file.layout.type = PatternLayout
                appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
                appender.console.name = ConsoleAppender
                appender.console.type = CONSOLE
                appender.console.target = SYSTEM_ERR
                appender.console.filter.threshold.type = ThresholdFilter
                appender.console.filter.threshold.level = ERROR
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = %-5p %c{1} - %m%n
                """;
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
