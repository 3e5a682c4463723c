package io.seqstream.deploy.cluster;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The one folder that holds everything of a local cluster run: Flink's conf dir, logs, pid files, the
 * ports it chose ({@code cluster.properties}), a job config for it, the Kafka broker's data, checkpoints,
 * savepoints and temp files.
 */
public final class RunDir {
    public static final String CLUSTER_PROPERTIES = "cluster.properties";
    /** Keys of cluster.properties. */
    public static final String REST_URL = "rest.url";
    public static final String REST_PORT = "rest.port";
    public static final String RPC_PORT = "jobmanager.rpc.port";
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap";
    /** Prefix of the keys {@code metrics.url.<process>}: each Flink process's Prometheus endpoint. */
    public static final String METRICS_URL_PREFIX = "metrics.url.";

    private final Path root;

    public RunDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** FLINK_CONF_DIR of the cluster: config.yaml and the log4j files. */
    public Path conf() {
        return root.resolve("conf");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path pids() {
        return root.resolve("pids");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path savepoints() {
        return root.resolve("savepoints");
    }

    /** Flink's plugins dir (the processes run in the run folder; Flink looks for ./plugins): e.g. S3 file systems. */
    public Path plugins() {
        return root.resolve("plugins");
    }

    public Path kafkaData() {
        return root.resolve("kafka");
    }

    /** Written by the broker process once it serves clients and its topics exist. */
    public Path kafkaBootstrapFile() {
        return root.resolve("kafka.bootstrap");
    }

    /** A job config (the JobConfig .properties format) pointing at this cluster's broker and directories. */
    public Path jobProperties() {
        return root.resolve("job.properties");
    }

    /** {@code file:///abs/path}, without the trailing slash Path.toUri() adds for existing directories. */
    public static String fileUri(Path p) {
        return "file://" + p.toAbsolutePath().normalize();
    }

    public PidFile pidFile(String process) {
        return new PidFile(pids().resolve(process + ".pid"));
    }

    public Path logFile(String process) {
        return logs().resolve(process + ".log");
    }

    public Path outFile(String process) {
        return logs().resolve(process + ".out");
    }

    /** Every pid file, sorted by name. */
    public List<PidFile> pidFiles() {
        if (!Files.isDirectory(pids())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(pids())) {
            List<PidFile> out = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().forEach(p -> out.add(new PidFile(p)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pids(), e);
        }
    }

    public void createDirectories() {
        for (Path p : List.of(conf(), logs(), pids(), tmp(), checkpoints(), savepoints(), plugins())) {
            try {
                Files.createDirectories(p);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + p, e);
            }
        }
    }

    public Properties clusterProperties() {
        Path f = root.resolve(CLUSTER_PROPERTIES);
        Properties p = new Properties();
        if (!Files.isRegularFile(f)) {
            throw new IllegalStateException("no local cluster in " + root + " (" + f.getFileName() + " is missing): start one first");
        }
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        return p;
    }

    /** The Prometheus endpoint of a process of this run ({@code http://127.0.0.1:PORT/metrics}), if one was recorded. */
    public java.util.Optional<String> metricsUrl(String process) {
        return java.util.Optional.ofNullable(clusterProperties().getProperty(METRICS_URL_PREFIX + process));
    }

    /** Sets one entry of cluster.properties, keeping the others (processes started later record their own). */
    public synchronized void putClusterProperty(String key, String value) {
        Properties p = clusterProperties();
        p.setProperty(key, value);
        writeClusterProperties(p);
    }

    public void writeClusterProperties(Properties p) {
        writeProperties(root.resolve(CLUSTER_PROPERTIES), p, "local Flink cluster: what cluster.sh start chose");
    }

    static void writeProperties(Path file, Properties p, String comment) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, comment);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
