package io.seqstream.apps;

import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink environment inside this JVM (a MiniCluster per job) for the demo and the benchmark: loopback only, temp files under one dir. */
public final class LocalFlink {
    /**
     * Managed memory of the local TaskManager: RocksDB's block cache and write buffers. About what a TaskManager of
     * deploy/'s default size (2 GiB process, 40 % managed) gives a slot; Flink's local default is 128 MiB.
     */
    public static final MemorySize MANAGED_MEMORY = MemorySize.parse("512m");

    private LocalFlink() {
    }

    public static StreamExecutionEnvironment environment(JobConfig config, Path tmpDir) {
        return environment(config, tmpDir, new Configuration());
    }

    /** {@code extra} with the REST endpoint on {@code port} (127.0.0.1), for a caller that reads the job's REST API. */
    public static Configuration withRestPort(Configuration extra, int port) {
        extra.set(RestOptions.BIND_PORT, String.valueOf(port));
        extra.set(RestOptions.PORT, port);
        return extra;
    }

    /** With Flink settings of its own on top ({@code extra} wins): a REST port, a checkpoint to restore from. */
    public static StreamExecutionEnvironment environment(JobConfig config, Path tmpDir, Configuration extra) {
        Configuration conf = JobEnvironment.flinkConfiguration(config);
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        conf.addAll(extra);
        return StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), conf);
    }
}
