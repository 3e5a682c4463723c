package io.seqstream.jobs.model;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.stream.StepBatch;
import io.seqstream.model.stream.StepInput;
import io.seqstream.model.stream.StepModel;
import io.seqstream.model.stream.Stepper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The production backend: a model-core model compiled into a {@link StepModel}, whose stepper runs a
 * whole micro-batch of keys in one call (vectorised kernels, no allocation per call).
 *
 * <p>The model travels as seqstream model-file bytes and is compiled again on each worker.
 */
public final class StepModelBackend implements ModelBackend {
    private static final long serialVersionUID = 1L;
    static final String VERSION_PROPERTY = "version";

    private final byte[] modelBytes;
    private final String name;
    private final long version;
    private final List<InputSpec> inputSpecs;
    private final List<String> inputNames;
    private final int stateSize;
    private final int outputSize;
    private transient StepModel compiled; // kept when built on a worker (a hot swap), so open() need not compile again

    private StepModelBackend(byte[] modelBytes, String name, long version, StepModel compiled) {
        this.compiled = compiled;
        this.modelBytes = modelBytes;
        this.name = name;
        this.version = version;
        List<InputSpec> specs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (StepInput in : compiled.inputs()) {
            names.add(in.name());
            specs.add(spec(name, in));
        }
        this.inputSpecs = List.copyOf(specs);
        this.inputNames = List.copyOf(names);
        this.stateSize = compiled.stateSize();
        this.outputSize = compiled.outputSize();
    }

    /** The job's view of one model input; strings (a model-side StringLookup) are not fed by the job's events. */
    private static InputSpec spec(String model, StepInput in) {
        if (in.kind() == StepInput.Kind.STRING) {
            throw new ModelLoadException("model '" + model + "': input '" + in.name() + "' takes strings (a StringLookup inside the"
                    + " model); the job feeds token ids and numbers: map the strings with mapping.inputs lookup(field) and"
                    + " mapping.vocabularies instead");
        }
        if (in.kind() == StepInput.Kind.TOKEN && in.vocabularySize() <= 0) {
            throw new ModelLoadException("model '" + model + "': input '" + in.name() + "' reads token ids through an IntegerLookup;"
                    + " the job feeds token ids in [0, vocabulary) only");
        }
        return in.kind() == StepInput.Kind.TOKEN ? InputSpec.tokens(in.vocabularySize()) : InputSpec.features(in.featureSize());
    }

    /** Compiles once here, so a model that cannot be stepped per key fails when the job is built, not on the workers. */
    public static StepModelBackend of(Model model, long version) {
        StepModel compiled;
        try {
            compiled = StepModel.compile(model);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("model '" + model.name() + "' cannot run per key: " + e.getMessage(), e);
        }
        return new StepModelBackend(ModelFile.toBytes(model), model.name(), version, compiled);
    }

    /** A backend from model-file bytes (e.g. a ModelSnapshot's), compiled here; {@code source} names them in errors. */
    public static StepModelBackend fromBytes(byte[] bytes, long version, String source) {
        Model model;
        try {
            model = ModelFile.fromBytes(bytes, source);
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return of(model, bytes, version, source);
    }

    /** A backend of a model already read from {@code bytes} (reading is the slow part: do it once). */
    public static StepModelBackend of(Model model, byte[] bytes, long version, String source) {
        StepModel compiled;
        try {
            compiled = StepModel.compile(model);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(source + " cannot run per key: " + e.getMessage(), e);
        }
        return new StepModelBackend(bytes, model.name(), version, compiled);
    }

    /** Loads {@code model.path}; the version is {@code model.version}, else the file's provenance "version", else 1. */
    public static StepModelBackend fromConfig(JobConfig config) {
        String path = config.get(ConfigKeys.MODEL_PATH);
        Model model = ModelLoader.load(path);
        long version = config.find(ConfigKeys.MODEL_VERSION).orElseGet(() -> versionOf(model, path));
        return of(model, version);
    }

    static long versionOf(Model model, Object source) {
        return model.provenance().property(VERSION_PROPERTY).map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new ModelLoadException(
                        source + ": provenance property 'version' is '" + v + "', not a whole number; set model.version");
            }
        }).orElse(1L);
    }

    @Override
    public InputSpec inputSpec() {
        if (inputSpecs.size() != 1) {
            throw new ModelLoadException("model '" + name + "' takes " + inputSpecs.size() + " inputs per event " + describeInputs()
                    + "; this needs a model with one input");
        }
        return inputSpecs.get(0);
    }

    @Override
    public List<InputSpec> inputSpecs() {
        return inputSpecs;
    }

    @Override
    public List<String> inputNames() {
        return inputNames;
    }

    @Override
    public int stateSize() {
        return stateSize;
    }

    @Override
    public int outputSize() {
        return outputSize;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public String description() {
        String input = inputSpecs.size() == 1 ? inputSpecs.get(0).toString() : "inputs " + describeInputs();
        return "model '" + name + "' v" + version + " (" + input + ", state " + stateSize + " floats, output " + outputSize + ")";
    }

    @Override
    public Optional<byte[]> modelFileBytes() {
        return Optional.of(modelBytes);
    }

    @Override
    public BatchStepper open(int maxBatch) {
        StepModel model = compiled != null
                ? compiled
                : StepModel.compile(ModelFile.fromBytes(modelBytes, "model '" + name + "' v" + version));
        Stepper stepper = model.newStepper(maxBatch);
        // Per feature input and row, the slice of the event's concatenated features (the stepper keeps no copy).
        float[][][] scratch = new float[inputSpecs.size()][][];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = inputSpecs.get(i).tokenInput() ? null : new float[stepper.maxBatch()][inputSpecs.get(i).featureSize()];
        }
        return new BatchStepper() {
            @Override
            public int maxBatch() {
                return stepper.maxBatch();
            }

            @Override
            public void stepTokens(float[][] states, int[] tokens, int n, float[][] outputs) {
                stepper.stepTokens(states, tokens, n, outputs);
            }

            @Override
            public void stepFeatures(float[][] states, float[][] features, int n, float[][] outputs) {
                stepper.stepFeatures(states, features, n, outputs);
            }

            @Override
            public void stepInputs(float[][] states, int[][] tokens, float[][] features, int n, float[][] outputs) {
                StepBatch batch = stepper.batch();
                for (int r = 0; r < n; r++) {
                    int t = 0, f = 0;
                    for (int i = 0; i < inputSpecs.size(); i++) {
                        InputSpec in = inputSpecs.get(i);
                        if (in.tokenInput()) {
                            batch.token(i, r, tokens[r][t++]);
                        } else {
                            float[] x = scratch[i][r];
                            System.arraycopy(features[r], f, x, 0, x.length);
                            f += x.length;
                            batch.features(i, r, x);
                        }
                    }
                }
                stepper.step(states, batch, n, outputs);
            }
        };
    }
}
