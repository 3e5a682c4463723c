package io.seqstream.jobs;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.StateBackendKind;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Applies the job-level settings of a {@link JobConfig} to a Flink environment: parallelism, checkpoints, state backend. */
public final class JobEnvironment {
    private JobEnvironment() {
    }

    /** The Flink settings of a config, e.g. to start a local environment with them. */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration c = new Configuration();
        StateBackendKind backend = config.get(ConfigKeys.STATE_BACKEND);
        c.set(StateBackendOptions.STATE_BACKEND, backend.configName());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == StateBackendKind.ROCKSDB);
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir(config));
        // Kept on cancel, so a stopped job can be restarted from its last checkpoint.
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Aligned (exactly-once) checkpoints in both delivery modes: the recurrent states in a checkpoint must
        // match the source offsets exactly, or a restore would step some events twice into a key's state.
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(ConfigKeys.CHECKPOINT_INTERVAL));
        return c;
    }

    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.configure(flinkConfiguration(config));
        env.setParallelism(config.parallelism());
    }

    static String checkpointDir(JobConfig config) {
        return config.find(ConfigKeys.CHECKPOINT_DIR)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "seqstream-checkpoints").toUri().toString());
    }
}
