package io.seqstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqstream.jobs.config.JobConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {
    @Test
    void theJobSetsItsNetworkBufferTimeoutAndCheckpointIntervalAndLeavesTheBackendToTheCluster() {
        Configuration c = JobEnvironment.jobSettings(JobConfig.defaults());
        assertThat(c.get(ExecutionOptions.BUFFER_TIMEOUT)).as("not Flink's 100 ms").isEqualTo(Duration.ofMillis(5));
        assertThat(c.get(ExecutionOptions.BUFFER_TIMEOUT_ENABLED)).isTrue();
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.contains(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND)).as("backend unset: the cluster's")
                .isFalse();

        Configuration flushEach = JobEnvironment.jobSettings(JobConfig.defaults().withFlags(Map.of("network.buffer-timeout", "0")));
        assertThat(flushEach.get(ExecutionOptions.BUFFER_TIMEOUT)).isZero();
    }

    @Test
    void chainedOperatorsPassRecordsByReference() {
        Configuration c = JobEnvironment.jobSettings(JobConfig.defaults());
        assertThat(c.get(PipelineOptions.OBJECT_REUSE)).as("no deep copy of each prediction into its chained sink").isTrue();
    }

    @Test
    void aLocalEnvironmentSizesNetworkBuffersAsDeployWritesThemForAClusterAndAJobLeavesThemToItsCluster() {
        Configuration local = JobEnvironment.flinkConfiguration(JobConfig.defaults());
        assertThat(local.get(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED)).isTrue();
        assertThat(local.get(TaskManagerOptions.BUFFER_DEBLOAT_TARGET)).isEqualTo(Duration.ofMillis(20));

        Configuration job = JobEnvironment.jobSettings(JobConfig.defaults());
        assertThat(job.contains(TaskManagerOptions.BUFFER_DEBLOAT_ENABLED)).as("a TaskManager option: the cluster's config.yaml").isFalse();
    }
}
