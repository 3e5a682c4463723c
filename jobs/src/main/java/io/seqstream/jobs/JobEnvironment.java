package io.seqstream.jobs;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.config.StateBackendKind;
import io.seqstream.jobs.state.RocksDbTuning;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Applies the job-level settings of a {@link JobConfig} to a Flink environment: parallelism, checkpoints, state backend. */
public final class JobEnvironment {
    private JobEnvironment() {
    }

    /**
     * The Flink settings for a local environment: the config's settings plus local defaults (heap state,
     * checkpoints under java.io.tmpdir, the network options a cluster's config.yaml gets from deploy/), since there
     * is no cluster configuration to fall back on.
     */
    public static Configuration flinkConfiguration(JobConfig config) {
        Configuration c = jobSettings(config);
        NetworkTuning.OPTIONS.forEach(c::setString);
        if (!config.isSet(ConfigKeys.STATE_BACKEND))
            setBackend(c, config.get(ConfigKeys.STATE_BACKEND));
        if (!config.isSet(ConfigKeys.CHECKPOINT_DIR))
            setCheckpointDir(c, checkpointDir(config));
        return c;
    }

    /**
     * The settings a job sets on its own environment. State backend, checkpoint directory and parallelism
     * only when the config sets them: on a cluster, the cluster's configuration (RocksDB, durable storage,
     * {@code flink run -p}, the Kubernetes operator's parallelism) must otherwise win.
     */
    static Configuration jobSettings(JobConfig config) {
        Configuration c = new Configuration();
        if (config.isSet(ConfigKeys.STATE_BACKEND))
            setBackend(c, config.get(ConfigKeys.STATE_BACKEND));
        config.find(ConfigKeys.CHECKPOINT_DIR).ifPresent(dir -> setCheckpointDir(c, dir));
        // Kept on cancel, so a stopped job can be restarted from its last checkpoint.
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        // Aligned (exactly-once) checkpoints in both delivery modes: the recurrent states in a checkpoint must
        // match the source offsets exactly, or a restore would step some events twice into a key's state.
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(ConfigKeys.CHECKPOINT_INTERVAL));
        // A few failed checkpoints (storage briefly unreachable) are ridden through; more fail over to the last one.
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, config.get(ConfigKeys.CHECKPOINT_TOLERABLE_FAILURES));
        // Latency is the job's concern: at low load a record would otherwise wait up to Flink's 100 ms for its
        // network buffer to fill, at each exchange (the keyBy before the stepping operator).
        c.set(ExecutionOptions.BUFFER_TIMEOUT_ENABLED, true);
        c.set(ExecutionOptions.BUFFER_TIMEOUT, config.get(ConfigKeys.NETWORK_BUFFER_TIMEOUT));
        // Chained operators pass records by reference instead of deep-copying each one (the copy of every
        // Prediction into its chained sink was 8 % of the job's allocation). Safe because every operator of the
        // job emits a new object per record and never changes a record after emitting or receiving it; records
        // that arrive over the network are fresh objects whatever this setting says.
        c.set(PipelineOptions.OBJECT_REUSE, true);
        return c;
    }

    private static void setBackend(Configuration c, StateBackendKind backend) {
        c.set(StateBackendOptions.STATE_BACKEND, backend.configName());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == StateBackendKind.ROCKSDB);
        if (backend == StateBackendKind.ROCKSDB) {
            RocksDbTuning.OPTIONS.forEach(c::setString);
        }
    }

    private static void setCheckpointDir(Configuration c, String dir) {
        c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir);
    }

    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        env.configure(jobSettings(config));
        if (config.isSet(ConfigKeys.PARALLELISM))
            env.setParallelism(config.parallelism());
    }

    static String checkpointDir(JobConfig config) {
        return config.find(ConfigKeys.CHECKPOINT_DIR)
                .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "seqstream-checkpoints").toUri().toString());
    }
}
