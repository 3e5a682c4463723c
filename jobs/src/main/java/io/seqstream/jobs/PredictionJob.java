package io.seqstream.jobs;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.Ingested;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.operator.MicroBatchStepOperator;
import io.seqstream.jobs.operator.SwapOptions;
import io.seqstream.jobs.report.TrainingReportPipeline;
import io.seqstream.jobs.retrain.ModelUpdate;
import io.seqstream.jobs.retrain.RetrainPipeline;
import io.seqstream.jobs.retrain.SnapshotCheck;
import io.seqstream.jobs.serde.EntityKeyType;
import io.seqstream.jobs.serde.ModelInputType;
import io.seqstream.jobs.validate.DeadLetterSplit;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.ModelSnapshot;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The prediction pipeline, independent of Kafka: events (already decoded and validated, see
 * {@link Ingested}) with event-time watermarks, dead letters split off, {@code keyBy(key)}, the
 * micro-batching {@link MicroBatchStepOperator}, then the prediction and dead-letter sinks.
 * Sources and sinks are parameters so tests can run the same graph on in-memory data;
 * {@link KafkaPredictionJob} wires Kafka.
 *
 * <p>The stepping operator's second input is the broadcast models stream: the models source (the models
 * topic), and with {@code retrain.enabled} the snapshots of this job's trainer ({@link RetrainPipeline}),
 * which also go to the models sink. Rejected snapshots join the dead letters. With retraining, the stepping
 * operator's online-accuracy tallies and the trainer's rounds meet in the training report operator.
 *
 * <p>Every operator has a fixed uid, so checkpoints and savepoints stay restorable across versions.
 */
public final class PredictionJob {
    public static final String SOURCE_UID = "events-source";
    public static final String SPLIT_UID = "dead-letter-split";
    public static final String STEP_UID = "model-step";
    public static final String PREDICTIONS_SINK_UID = "predictions-sink";
    public static final String DEAD_LETTERS_SINK_UID = "dead-letters-sink";
    public static final String MODELS_SOURCE_UID = "models-source";
    public static final String MODELS_SINK_UID = "models-sink";
    public static final String TRAINER_UPDATES_UID = "retrain-updates";

    private PredictionJob() {
    }

    /** The prediction and dead-letter streams of a pipeline, and the trainer's snapshots (null when retraining is off). */
    public record Outputs(DataStream<Prediction> predictions, DataStream<DeadLetter> deadLetters, DataStream<ModelSnapshot> models) {
    }

    /** Configures {@code env} from {@code config} and adds the whole pipeline from source to sinks, without a models topic. */
    public static void build(StreamExecutionEnvironment env, Source<Ingested, ?, ?> source, Sink<Prediction> predictionSink,
            Sink<DeadLetter> deadLetterSink, ModelBackend model, JobConfig config) {
        build(env, source, null, predictionSink, deadLetterSink, null, model, config);
    }

    /**
     * The whole pipeline; {@code modelSource} (the models topic, may be null) feeds hot swaps, {@code modelSink}
     * (may be null) receives the trainer's snapshots when {@code retrain.enabled}.
     */
    public static void build(StreamExecutionEnvironment env, Source<Ingested, ?, ?> source, Source<ModelUpdate, ?, ?> modelSource,
            Sink<Prediction> predictionSink, Sink<DeadLetter> deadLetterSink, Sink<ModelSnapshot> modelSink, ModelBackend model,
            JobConfig config) {
        JobEnvironment.configure(env, config);
        DataStream<Ingested> input = env.fromSource(source, watermarks(config), "events").uid(SOURCE_UID);
        DataStream<ModelUpdate> models = modelSource == null
                ? null
                : env.fromSource(modelSource, WatermarkStrategy.noWatermarks(), "models").uid(MODELS_SOURCE_UID).setParallelism(1);
        Outputs outputs = attach(input, models, model, config);
        outputs.predictions().sinkTo(predictionSink).name("predictions").uid(PREDICTIONS_SINK_UID);
        outputs.deadLetters().sinkTo(deadLetterSink).name("dead-letters").uid(DEAD_LETTERS_SINK_UID);
        if (outputs.models() != null && modelSink != null) {
            outputs.models().sinkTo(modelSink).name("models").uid(MODELS_SINK_UID).setParallelism(1);
        }
    }

    /** The pipeline from ingested records to predictions and dead letters, without a models stream. */
    public static Outputs attach(DataStream<Ingested> input, ModelBackend model, JobConfig config) {
        return attach(input, null, model, config);
    }

    /** The pipeline from ingested records (and model updates, may be null) to predictions, dead letters and the trainer's snapshots. */
    public static Outputs attach(DataStream<Ingested> input, DataStream<ModelUpdate> models, ModelBackend model, JobConfig config) {
        if (config.topK() > model.outputSize()) {
            throw new IllegalArgumentException("top-k is " + config.topK() + " but " + model.description() + " has only "
                    + model.outputSize() + " outputs");
        }
        SingleOutputStreamOperator<ModelInput> valid = input
                .process(new DeadLetterSplit(), ModelInputType.INSTANCE)
                .name("split dead letters").uid(SPLIT_UID);
        TypeInformation<ModelUpdate> updateType = TypeInformation.of(ModelUpdate.class);
        DataStream<ModelUpdate> external = models != null ? models : noModels(input.getExecutionEnvironment(), updateType);
        SwapOptions swap = SwapOptions.fromConfig(config);
        SnapshotCheck check = new SnapshotCheck(model.inputSpecs(), model.outputSize(), swap.onShapeChange(), swap.trust());
        SingleOutputStreamOperator<ModelSnapshot> published = null;
        DataStream<ModelUpdate> updates = external;
        if (RetrainPipeline.enabled(config)) {
            published = RetrainPipeline.attach(valid, external, model, config, check);
            // Straight to the prediction operators too: a swap need not wait for the models topic's transaction.
            updates = external.union(published.map(s -> ModelUpdate.of(s, ModelUpdate.TRAINER), updateType)
                    .name("trainer snapshots").uid(TRAINER_UPDATES_UID).setParallelism(1));
        }
        SingleOutputStreamOperator<Prediction> predictions = valid
                .keyBy(ModelInput::getKey, EntityKeyType.INSTANCE)
                .connect(updates.broadcast())
                .transform("step " + model.description(), new AvroTypeInfo<>(Prediction.class),
                        MicroBatchStepOperator.fromConfig(model, config))
                .uid(STEP_UID);
        if (published != null) {
            TrainingReportPipeline.attach(published, predictions.getSideOutput(MicroBatchStepOperator.ONLINE_ACCURACY), config);
        }
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(DeadLetterSplit.DEAD_LETTERS)
                .union(predictions.getSideOutput(MicroBatchStepOperator.MODEL_DEAD_LETTERS));
        return new Outputs(predictions, deadLetters, published);
    }

    /** An empty models stream (fromData refuses an empty collection: one placeholder, filtered out). */
    static DataStream<ModelUpdate> noModels(StreamExecutionEnvironment env, TypeInformation<ModelUpdate> type) {
        return env.fromData(List.of(ModelUpdate.raw(new byte[0], "none")), type).name("no models").setParallelism(1)
                .filter(u -> false).name("no models").setParallelism(1);
    }

    /** Event time from Event.eventTime (the Kafka timestamp for dead letters), bounded out-of-orderness, idleness. */
    public static WatermarkStrategy<Ingested> watermarks(JobConfig config) {
        WatermarkStrategy<Ingested> w = WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(
                config.get(ConfigKeys.WATERMARK_OUT_OF_ORDERNESS))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.timestamp);
        Duration idle = config.get(ConfigKeys.WATERMARK_IDLE_TIMEOUT);
        return idle.isZero() ? w : w.withIdleness(idle);
    }
}
