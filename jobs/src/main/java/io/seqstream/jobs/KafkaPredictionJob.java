package io.seqstream.jobs;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.mapping.InputDecoders;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.retrain.RetrainPipeline;
import io.seqstream.jobs.sink.KafkaSinks;
import io.seqstream.jobs.source.IngestDecoder;
import io.seqstream.jobs.source.KafkaEventSource;
import io.seqstream.jobs.source.KafkaModelSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The prediction job on Kafka: events topic in, predictions and dead-letters topics out; the models topic in
 * for hot swaps ({@code models.watch}) and out for the trainer's snapshots ({@code retrain.enabled}).
 */
public final class KafkaPredictionJob {
    private KafkaPredictionJob() {
    }

    /** The production job: an unbounded source. */
    public static void build(StreamExecutionEnvironment env, ModelBackend model, JobConfig config) {
        build(env, model, config, false);
    }

    /** {@code bounded}: stop at the end offsets the source sees when it starts (tests and benchmarks). */
    public static void build(StreamExecutionEnvironment env, ModelBackend model, JobConfig config, boolean bounded) {
        IngestDecoder decoder = InputDecoders.forJob(config, model.inputSpecs());
        PredictionJob.build(env,
                bounded ? KafkaEventSource.bounded(config, decoder) : KafkaEventSource.create(config, decoder),
                config.get(ConfigKeys.MODELS_WATCH) ? KafkaModelSource.forJob(config, bounded) : null,
                KafkaSinks.predictions(config), KafkaSinks.deadLetters(config),
                RetrainPipeline.enabled(config) ? KafkaSinks.models(config) : null, model, config);
    }
}
