package io.seqstream.deploy.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** How to start a {@link LocalCluster}. Defaults suit a laptop; {@link #flinkConfig} adds or overrides config.yaml keys. */
public final class ClusterOptions {
    Path runDir;
    String clusterClasspath;
    String toolsClasspath;
    String jobManagerMemory = "1024m";
    String taskManagerMemory = "2048m";
    int slots = 2;
    int taskManagers = 1;
    boolean kafka = true;
    int eventPartitions = 4;
    int standbyJobManagers = 0;
    Duration startTimeout = Duration.ofSeconds(120);
    final Map<String, String> flinkConfig = new LinkedHashMap<>();

    /**
     * @param runDir           the run folder (created if missing; must not hold a running cluster)
     * @param clusterClasspath classpath of the Flink processes: Flink's own jars only (see cluster-classpath/pom.xml)
     * @param toolsClasspath   classpath of the broker process: this module's classes and dependencies
     */
    public ClusterOptions(Path runDir, String clusterClasspath, String toolsClasspath) {
        this.runDir = Objects.requireNonNull(runDir, "runDir");
        this.clusterClasspath = requireNonEmpty(clusterClasspath, "cluster classpath");
        this.toolsClasspath = requireNonEmpty(toolsClasspath, "tools classpath");
    }

    /** {@code jobmanager.memory.process.size}, e.g. 1024m. */
    public ClusterOptions jobManagerMemory(String size) {
        this.jobManagerMemory = size;
        return this;
    }

    /** {@code taskmanager.memory.process.size}, e.g. 2048m. */
    public ClusterOptions taskManagerMemory(String size) {
        this.taskManagerMemory = size;
        return this;
    }

    public ClusterOptions slots(int slotsPerTaskManager) {
        if (slotsPerTaskManager < 1) {
            throw new IllegalArgumentException("slots must be at least 1, got " + slotsPerTaskManager);
        }
        this.slots = slotsPerTaskManager;
        return this;
    }

    public ClusterOptions taskManagers(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("taskmanagers must not be negative, got " + count);
        }
        this.taskManagers = count;
        return this;
    }

    /** Whether to start a Kafka broker process beside the cluster (default true). */
    public ClusterOptions kafka(boolean startBroker) {
        this.kafka = startBroker;
        return this;
    }

    /** Partitions of the events and predictions topics (the most source and sink subtasks that get data). */
    public ClusterOptions eventPartitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
        this.eventPartitions = partitions;
        return this;
    }

    /**
     * High availability: with at least one standby JobManager the cluster also runs a ZooKeeper process, and the
     * JobManagers elect their leader there; a standby takes over the jobs of a crashed leader from their last
     * checkpoint. 0 (default): one JobManager, no high availability.
     */
    public ClusterOptions standbyJobManagers(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("standby JobManagers must not be negative, got " + count);
        }
        this.standbyJobManagers = count;
        return this;
    }

    public ClusterOptions startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    /** A config.yaml key for the cluster, e.g. {@code heartbeat.timeout: 20 s}; overrides the generated value. */
    public ClusterOptions flinkConfig(String key, String value) {
        this.flinkConfig.put(key, value);
        return this;
    }

    private static String requireNonEmpty(String s, String what) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return s;
    }
}
