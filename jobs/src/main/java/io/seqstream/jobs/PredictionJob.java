package io.seqstream.jobs;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.operator.MicroBatchStepOperator;
import io.seqstream.jobs.operator.ModelInput;
import io.seqstream.jobs.source.Ingested;
import io.seqstream.jobs.validate.DeadLetterSplit;
import io.seqstream.schemas.DeadLetter;
import io.seqstream.schemas.Prediction;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
 * <p>Every operator has a fixed uid, so checkpoints and savepoints stay restorable across versions.
 */
public final class PredictionJob {
    public static final String SOURCE_UID = "events-source";
    public static final String SPLIT_UID = "dead-letter-split";
    public static final String STEP_UID = "model-step";
    public static final String PREDICTIONS_SINK_UID = "predictions-sink";
    public static final String DEAD_LETTERS_SINK_UID = "dead-letters-sink";

    private PredictionJob() {
    }

    /** The prediction and dead-letter streams of a pipeline. */
    public record Outputs(DataStream<Prediction> predictions, DataStream<DeadLetter> deadLetters) {
    }

    /** Configures {@code env} from {@code config} and adds the whole pipeline from source to sinks. */
    public static void build(StreamExecutionEnvironment env, Source<Ingested, ?, ?> source, Sink<Prediction> predictionSink,
            Sink<DeadLetter> deadLetterSink, ModelBackend model, JobConfig config) {
        JobEnvironment.configure(env, config);
        DataStream<Ingested> input = env.fromSource(source, watermarks(config), "events").uid(SOURCE_UID);
        Outputs outputs = attach(input, model, config);
        outputs.predictions().sinkTo(predictionSink).name("predictions").uid(PREDICTIONS_SINK_UID);
        outputs.deadLetters().sinkTo(deadLetterSink).name("dead-letters").uid(DEAD_LETTERS_SINK_UID);
    }

    /** The pipeline from ingested records to predictions and dead letters. */
    public static Outputs attach(DataStream<Ingested> input, ModelBackend model, JobConfig config) {
        if (config.topK() > model.outputSize()) {
            throw new IllegalArgumentException("top-k is " + config.topK() + " but " + model.description() + " has only "
                    + model.outputSize() + " outputs");
        }
        SingleOutputStreamOperator<ModelInput> valid = input
                .process(new DeadLetterSplit(), Types.POJO(ModelInput.class))
                .name("split dead letters").uid(SPLIT_UID);
        DataStream<Prediction> predictions = valid
                .keyBy(ModelInput::getKey, Types.STRING)
                .transform("step " + model.description(), new AvroTypeInfo<>(Prediction.class),
                        MicroBatchStepOperator.fromConfig(model, config))
                .uid(STEP_UID);
        return new Outputs(predictions, valid.getSideOutput(DeadLetterSplit.DEAD_LETTERS));
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
