package io.seqstream.jobs;

import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.StepModelBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the prediction job on a Flink cluster (or locally when started as a plain Java program):
 * {@code PredictionJobMain [--config job.properties] [--key value ...]}. Job keys come from the
 * {@code seqstream.*} entries of the Flink configuration, then the file, then the flags (jobs/CONFIG.md).
 */
public final class PredictionJobMain {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionJobMain.class);

    private PredictionJobMain() {
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        JobConfig config = JobConfig.fromFlinkAndArgs(env.getConfiguration().toMap(), args);
        run(env, config, StepModelBackend.fromConfig(config));
    }

    /** Builds and runs the job with a config and model already read (the command-line wrapper checks them first). */
    public static void run(StreamExecutionEnvironment env, JobConfig config, ModelBackend model) throws Exception {
        LOG.info("Starting the prediction job with {}; config:\n{}", model.description(), config.describe());
        KafkaPredictionJob.build(env, model, config);
        env.execute("seqstream prediction (" + model.description() + ")");
    }
}
