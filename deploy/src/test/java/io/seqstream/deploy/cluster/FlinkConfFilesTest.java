package io.seqstream.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.NetworkTuning;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.state.RocksDbTuning;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated conf dir, read back by Flink's own config loader, and the generated job config, read by JobConfig. */
class FlinkConfFilesTest {
    @TempDir
    Path tmp;

    @Test
    void flinkReadsTheGeneratedConfigYaml() {
        RunDir dir = new RunDir(tmp);
        dir.createDirectories();
        ClusterOptions o = new ClusterOptions(tmp, "cp", "tools").slots(3).taskManagerMemory("1536m")
                .flinkConfig("heartbeat.timeout", "30 s").flinkConfig("pipeline.name", "a: b # c");
        FlinkConfFiles.write(dir, FlinkConfFiles.config(dir, o, 18081, 16123));

        Configuration c = GlobalConfiguration.loadConfiguration(dir.conf().toString());
        assertThat(c.toMap()).containsEntry("rest.port", "18081").containsEntry("jobmanager.rpc.port", "16123")
                .containsEntry("rest.bind-address", "127.0.0.1").containsEntry("taskmanager.bind-host", "127.0.0.1")
                .containsEntry("taskmanager.numberOfTaskSlots", "3").containsEntry("taskmanager.memory.process.size", "1536m")
                .containsEntry("heartbeat.timeout", "30 s").containsEntry("pipeline.name", "a: b # c")
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.dir", "file://" + dir.checkpoints())
                .containsEntry("env.java.opts.all", String.join(" ", JavaOpts.ALL))
                .containsEntry("env.java.opts.taskmanager", "--add-modules=jdk.incubator.vector")
                .containsEntry("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249-9259")
                .containsAllEntriesOf(RocksDbTuning.OPTIONS).containsAllEntriesOf(NetworkTuning.OPTIONS);
    }

    /** The reporter named in config.yaml is on the cluster classpath (Flink would only log a warning without it). */
    @Test
    void thePrometheusReporterIsOnTheClusterClasspath() {
        assertThat(clusterClasspath().split(java.io.File.pathSeparator))
                .anyMatch(j -> Path.of(j).getFileName().toString()
                        .equals("flink-metrics-prometheus-" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + ".jar"));
    }

    @Test
    void bashJavaUtilsSizesTheProcesses() {
        String classpath = clusterClasspath();
        RunDir dir = new RunDir(tmp);
        dir.createDirectories();
        FlinkConfFiles.write(dir, FlinkConfFiles.config(dir, new ClusterOptions(tmp, classpath, "tools"), 1, 2));
        MemoryParams tm = MemoryParams.taskManager(dir.conf(), classpath);
        assertThat(tm.jvmArgs()).anyMatch(a -> a.startsWith("-Xmx")).anyMatch(a -> a.startsWith("-XX:MaxDirectMemorySize="));
        assertThat(tm.dynamicArgs()).contains("-D", "taskmanager.numberOfTaskSlots=2");
        MemoryParams jm = MemoryParams.jobManager(dir.conf(), classpath);
        assertThat(jm.jvmArgs()).anyMatch(a -> a.startsWith("-Xmx"));
    }

    @Test
    void jobPropertiesAreAValidJobConfig() {
        RunDir dir = new RunDir(tmp);
        dir.createDirectories();
        LocalCluster.writeJobProperties(dir, "127.0.0.1:9999");
        JobConfig c = JobConfig.load(dir.jobProperties());
        assertThat(c.bootstrap()).isEqualTo("127.0.0.1:9999");
        assertThat(c.get(ConfigKeys.CHECKPOINT_DIR)).isEqualTo("file://" + dir.checkpoints());
        assertThat(c.get(ConfigKeys.STATE_BACKEND).configName()).isEqualTo("rocksdb");
    }

    @Test
    void topicsAreTheJobsDefaults() {
        assertThat(LocalCluster.defaultTopics(3)).extracting(t -> t.toString())
                .containsExactly("events:3", "predictions:3", "dead-letters:1", "models:1:compact");
    }

    private static String clusterClasspath() {
        try {
            return Files.readString(Path.of(System.getProperty("cluster.classpath.file")), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
