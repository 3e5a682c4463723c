package io.seqstream.apps;

import io.seqstream.jobs.JobEnvironment;
import io.seqstream.jobs.config.JobConfig;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A Flink environment inside this JVM (a MiniCluster per job) for the demo and the benchmark: loopback only, temp files under one dir. */
public final class LocalFlink {
    private LocalFlink() {
    }

    public static StreamExecutionEnvironment environment(JobConfig config, Path tmpDir) {
        Configuration conf = JobEnvironment.flinkConfiguration(config);
        conf.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, "0");
        return StreamExecutionEnvironment.createLocalEnvironment(config.parallelism(), conf);
    }
}
