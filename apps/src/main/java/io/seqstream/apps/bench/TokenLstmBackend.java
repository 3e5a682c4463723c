package io.seqstream.apps.bench;

import io.seqstream.jobs.model.InputSpec;
import io.seqstream.jobs.model.ModelBackend;
import io.seqstream.jobs.model.ModelLoadException;
import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.Layer;
import java.util.List;

/**
 * A comparison engine of the benchmark for its {@code Embedding -> LSTM -> Dense} model: carries the model as
 * model-file bytes (it travels in the job graph) and its sizes; the engine opens its own runtime on the worker.
 */
public abstract class TokenLstmBackend implements ModelBackend {
    private static final long serialVersionUID = 1L;

    protected final byte[] modelBytes;
    protected final int vocab;
    protected final int embedding;
    protected final int units;
    protected final int outputs;

    /** Refuses any other layer stack, naming {@code engine} and the layers found. */
    protected TokenLstmBackend(Model model, String engine) {
        List<Layer> layers = model.layers();
        if (layers.size() != 3 || !(layers.get(0) instanceof Embedding e) || !(layers.get(1) instanceof LSTM l)
                || !(layers.get(2) instanceof Dense d)) {
            throw new ModelLoadException("the " + engine + " benchmark engine takes Embedding -> LSTM -> Dense only, got " + layers);
        }
        this.modelBytes = ModelFile.toBytes(model);
        this.vocab = e.inputDim();
        this.embedding = e.outputDim();
        this.units = l.units();
        this.outputs = d.units();
    }

    /** The model again, on the worker. */
    protected Model model() {
        return ModelFile.fromBytes(modelBytes, "benchmark model");
    }

    /** {@code Embedding(V,E) -> LSTM(H) -> Dense(O)}, for descriptions. */
    protected String shape() {
        return "Embedding(" + vocab + "," + embedding + ") -> LSTM(" + units + ") -> Dense(" + outputs + ")";
    }

    @Override
    public InputSpec inputSpec() {
        return InputSpec.tokens(vocab);
    }

    @Override
    public int stateSize() {
        return 2 * units;
    }

    @Override
    public int outputSize() {
        return outputs;
    }

    @Override
    public long version() {
        return 0;
    }
}
