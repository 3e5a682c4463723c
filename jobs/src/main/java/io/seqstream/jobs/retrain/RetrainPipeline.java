package io.seqstream.jobs.retrain;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.jobs.event.ModelInput;
import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.serde.EntityKeyType;
import io.seqstream.jobs.trust.ModelSigner;
import io.seqstream.jobs.trust.TrustedKeys;
import io.seqstream.schemas.ModelSnapshot;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The retraining branch of the job, beside the prediction path (it shares only the validated events):
 * <pre>
 * events -> keyBy(key) -> WindowAssembler (per key: last events, sequences per window end)
 *        -> WindowSampler (parallelism 1: a reservoir sample per window)
 *        -> RetrainOperator (parallelism 1, trains on its own thread; 2nd input: the models stream)
 *        -> ModelSnapshots (to the models sink, and broadcast to the prediction operators)
 *
 * </pre>
 * The trainer's rounds (side output {@link RetrainOperator#ROUNDS}) go to the training report
 * ({@code report.TrainingReportPipeline}).
 */
public final class RetrainPipeline {
    public static final String ASSEMBLE_UID = "retrain-assemble";
    public static final String SAMPLE_UID = "retrain-sample";
    public static final String TRAIN_UID = "retrain-train";

    private RetrainPipeline() {
    }

    /** Checks that retraining can run with this model and config; the message says what to change. */
    public static void validate(ModelBackend model, JobConfig config) {
        if (model.inputSpecs().size() > 1) {
            // Next-event targets are the next event's token: exactly one token input (the others are numbers).
            if (model.inputSpecs().stream().filter(InputSpec::tokenInput).count() != 1) {
                throw new ConfigException("retrain.enabled=true needs a model with exactly one token input (the next event's token"
                        + " is the target); " + model.description() + " takes " + model.describeInputs());
            }
        } else if (!model.inputSpec().tokenInput()) {
            throw new ConfigException("retrain.enabled=true needs a token model (Embedding input); " + model.description()
                    + " takes " + model.inputSpec());
        }
        if (model.modelFileBytes().isEmpty()) {
            throw new ConfigException("retrain.enabled=true needs a model-core model to fine-tune; " + model.description()
                    + " has none");
        }
        RetrainOptions.fromConfig(config);
        signer(config);
    }

    /**
     * The trainer's signer ({@code models.signing-key}); with trusted keys it must exist and be one of them, or the
     * job would reject its own trainer's snapshots.
     */
    static ModelSigner signer(JobConfig config) {
        ModelSigner signer;
        try {
            signer = ModelSigner.fromConfig(config);
        } catch (RuntimeException e) {
            throw new ConfigException("config key '" + ConfigKeys.MODELS_SIGNING_KEY.name() + "': " + e.getMessage());
        }
        TrustedKeys trusted = TrustedKeys.fromConfig(config);
        if (trusted.enforced() && !signer.keyId().map(trusted.keyIds()::contains).orElse(false)) {
            throw new ConfigException("retrain.enabled=true with models.trusted-keys " + trusted.keyIds() + " needs models.signing-key "
                    + "set to the private key of one of them" + signer.keyId().map(id -> " (it is key " + id + ")").orElse(""));
        }
        return signer;
    }

    /** The snapshots the trainer publishes; {@code models} is the external models stream the trainer follows. */
    public static SingleOutputStreamOperator<ModelSnapshot> attach(DataStream<ModelInput> valid, DataStream<ModelUpdate> models,
            ModelBackend model,
            JobConfig config, SnapshotCheck check) {
        validate(model, config);
        RetrainOptions options = RetrainOptions.fromConfig(config);
        SingleOutputStreamOperator<TrainingSequence> sequences = valid
                .keyBy(ModelInput::getKey, EntityKeyType.INSTANCE)
                .process(new WindowAssembler(options, model.outputSize()), TypeInformation.of(TrainingSequence.class))
                .name("training sequences").uid(ASSEMBLE_UID);
        SingleOutputStreamOperator<TrainingWindow> windows = sequences
                .transform("sample training windows", TypeInformation.of(TrainingWindow.class), new WindowSampler(options.sampleSize()))
                .uid(SAMPLE_UID).setParallelism(1).setMaxParallelism(1);
        RetrainOperator trainer = new RetrainOperator(new WindowTrainer(options, signer(config)), model.modelFileBytes().get(),
                model.version(), check);
        return windows.connect(models)
                .transform("retrain", new AvroTypeInfo<>(ModelSnapshot.class), trainer)
                .uid(TRAIN_UID).setParallelism(1).setMaxParallelism(1);
    }

    /** Whether the config turns retraining on. */
    public static boolean enabled(JobConfig config) {
        return config.get(ConfigKeys.RETRAIN_ENABLED);
    }
}
