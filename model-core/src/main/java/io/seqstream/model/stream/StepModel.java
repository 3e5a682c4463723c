package io.seqstream.model.stream;

import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.PackedMatrix;
import io.seqstream.model.ops.ScalarKernels;
import io.seqstream.model.ops.VectorKernels;

import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Activation;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.Flatten;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.RecurrentCell;
import io.seqstream.model.layers.SimpleRNNCell;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Gemm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model compiled into a per-key step function: one time step for a batch of independent keys, each
 * carrying its own recurrent state outside the model (Keras {@code stateful=True}, per key instead of
 * per batch slot).
 *
 * <p>A key's state is a plain {@code float[stateSize()]}: for each recurrent layer in order, h then c (LSTM)
 * or h (SimpleRNN). All zeros is a fresh key (Keras {@code reset_states}). The output of a step is what the
 * model gives for the last time step of that key's sequence so far.
 *
 * <p>Instances are immutable and thread-safe: weights are copied and repacked at compile time for the
 * kernels ({@code [in, 4u]} panels, a {@code vocab x 4u} token table when an Embedding feeds the first
 * recurrent layer). Each thread takes its own {@link Stepper} for scratch space.
 */
public final class StepModel {
    private final List<StepOp> ops;
    private final boolean tokenInput;
    private final int vocab;
    private final int featureSize;
    private final int stateSize;
    private final int outputSize;
    private final int maxWidth;
    private final int maxGate;
    private final Kernels kernels;
    private final String modelName;

    private StepModel(List<StepOp> ops, boolean tokenInput, int vocab, int featureSize, int stateSize, Kernels kernels, String modelName) {
        this.ops = List.copyOf(ops);
        this.tokenInput = tokenInput;
        this.vocab = vocab;
        this.featureSize = featureSize;
        this.stateSize = stateSize;
        this.kernels = kernels;
        this.modelName = modelName;
        int w = featureSize, g = 0;
        for (StepOp op : ops) {
            w = Math.max(w, op instanceof StepOp.DenseStep d ? d.stride() : op.outWidth());
            if (op instanceof StepOp.Recurrent r) g = Math.max(g, r.gateWidth());
        }
        this.maxWidth = w;
        this.maxGate = g;
        this.outputSize = ops.get(ops.size() - 1).outWidth();
    }

    /** Compiles with the fastest kernels available here. */
    public static StepModel compile(Model model) {
        return compile(model, Kernels.best());
    }

    /** Compiles with the plain-Java kernels (reference and fallback). */
    public static StepModel compileScalar(Model model) {
        return compile(model, new ScalarKernels());
    }

    static StepModel compile(Model model, Kernels kernels) {
        String m = "model '" + model.name() + "'";
        if (model.inputs().size() != 1 || model.outputs().size() != 1) {
            throw new IllegalArgumentException(m + " cannot be stepped per key: it has " + model.inputs().size() + " inputs and "
                    + model.outputs().size() + " outputs; the stepper takes a chain with one input and one output");
        }
        List<KerasTensor.Node> nodes = model.nodes();
        KerasTensor prev = model.inputs().get(0);
        InputLayer input = (InputLayer) prev.node().layer();
        int[] inShape = input.batchShape();
        List<StepOp> ops = new ArrayList<>();
        boolean tokens = false;
        int vocab = 0, features = 0, width, state = 0;
        boolean sawRecurrent = false;
        boolean sequenceAxis; // whether the current tensor still has a time axis
        int panel = kernels.panelWidth();

        List<KerasTensor.Node> chain = new ArrayList<>();
        for (KerasTensor.Node n : nodes) if (!(n.layer() instanceof InputLayer)) chain.add(n);
        if (chain.isEmpty()) throw new IllegalArgumentException(m + " has no layers");
        Layer first = chain.get(0).layer();
        if (first instanceof Embedding e) {
            if (inShape.length != 2) throw new IllegalArgumentException(m + ": Embedding input must be (batch, time), got " + Tensor.shapeString(inShape));
            tokens = true;
            vocab = e.inputDim();
            width = 0;
        } else {
            if (inShape.length != 3) {
                throw new IllegalArgumentException(m + ": the input must be (batch, time, features) or token ids (batch, time), got "
                        + Tensor.shapeString(inShape));
            }
            features = inShape[2];
            width = features;
        }
        sequenceAxis = true;
        Embedding pendingEmbedding = null;
        for (KerasTensor.Node n : chain) {
            Layer l = n.layer();
            if (n.inputs().size() != 1 || n.inputs().get(0) != prev) {
                throw new IllegalArgumentException(m + ": layer '" + l.name() + "' is not part of a single chain; the stepper needs a sequential model");
            }
            prev = n.outputs().get(0);
            String where = m + ": layer '" + l.name() + "' (" + l.className() + ")";
            if (l instanceof Embedding e) {
                if (!ops.isEmpty() || pendingEmbedding != null || width != 0) throw new IllegalArgumentException(where + ": an Embedding can only come first");
                pendingEmbedding = e;
                width = e.outputDim();
            } else if (l instanceof RNN rnn) {
                if (!sequenceAxis) throw new IllegalArgumentException(where + ": follows a layer that removed the time axis");
                if (rnn.goBackwards()) {
                    throw new IllegalArgumentException(where + ": go_backwards=True reads the sequence from its end, which a stream does not have yet");
                }
                RecurrentCell cell = rnn.cell();
                float[] tokenTable = null;
                PackedMatrix kernel = null;
                float[] bias;
                int units = cell.units();
                boolean lstm = cell instanceof LSTMCell;
                if (!lstm && !(cell instanceof SimpleRNNCell)) throw new IllegalArgumentException(where + ": unsupported cell " + cell.kerasName());
                List<Tensor> w = rnn.getWeights();
                int g = lstm ? 4 * units : units;
                float[] k = w.get(0).data(), r = w.get(1).data();
                bias = new float[g];
                if (w.size() > 2) System.arraycopy(w.get(2).data(), 0, bias, 0, g);
                PackedMatrix rec = new PackedMatrix(r, units, g, panel);
                if (pendingEmbedding != null) {
                    // Fuse: embedding row @ kernel + bias, once per token id.
                    float[] emb = pendingEmbedding.getWeights().get(0).data();
                    int e = pendingEmbedding.outputDim();
                    float[] prod = new float[vocab * g];
                    Gemm.nn(emb, 0, k, 0, prod, 0, vocab, e, g, false);
                    tokenTable = new float[vocab * rec.paddedCols()];
                    for (int t = 0; t < vocab; t++) {
                        for (int j = 0; j < g; j++) tokenTable[t * rec.paddedCols() + j] = prod[t * g + j] + bias[j];
                    }
                    pendingEmbedding = null;
                } else {
                    kernel = new PackedMatrix(k, width, g, panel);
                }
                float[] paddedBias = new float[rec.paddedCols()];
                System.arraycopy(bias, 0, paddedBias, 0, g);
                ActivationFunction recAct = lstm ? ((LSTMCell) cell).recurrentActivation() : cell.activation();
                ops.add(new StepOp.Recurrent(lstm, units, width, kernel, paddedBias, tokenTable, rec, cell.activation(), recAct, state, l.name()));
                state += lstm ? 2 * units : units;
                width = units;
                sawRecurrent = true;
                sequenceAxis = rnn.returnSequences();
            } else {
                if (pendingEmbedding != null) {
                    ops.add(new StepOp.EmbeddingLookup(pendingEmbedding.getWeights().get(0).data(), vocab, pendingEmbedding.outputDim()));
                    pendingEmbedding = null;
                }
                if (l instanceof Dense d) {
                    List<Tensor> w = d.getWeights();
                    int in = width, u = d.units();
                    float[] k = w.get(0).data();
                    float[] kt = new float[u * in];
                    for (int i = 0; i < in; i++) for (int j = 0; j < u; j++) kt[j * in + i] = k[i * u + j];
                    boolean wide = u >= 32;
                    PackedMatrix packed = wide ? new PackedMatrix(k, in, u, panel) : null;
                    float[] b = new float[wide ? packed.paddedCols() : u];
                    if (w.size() > 1) System.arraycopy(w.get(1).data(), 0, b, 0, u);
                    ops.add(new StepOp.DenseStep(wide ? null : kt, packed, b, in, u, d.activation()));
                    width = u;
                } else if (l instanceof Activation a) {
                    ops.add(new StepOp.ActivationStep(a.function(), width));
                } else if (l instanceof Dropout) {
                    // identity at inference
                } else if (l instanceof Flatten) {
                    if (sequenceAxis) throw new IllegalArgumentException(where + ": Flatten over the time axis mixes time steps and cannot be streamed");
                } else {
                    throw new IllegalArgumentException(where + ": layer class " + l.className() + " cannot be stepped per key");
                }
            }
        }
        if (pendingEmbedding != null) ops.add(new StepOp.EmbeddingLookup(pendingEmbedding.getWeights().get(0).data(), vocab, pendingEmbedding.outputDim()));
        if (!sawRecurrent) throw new IllegalArgumentException(m + " has no recurrent layer: there is no per-key state to carry");
        return new StepModel(ops, tokens, vocab, features, state, kernels, model.name());
    }

    /** Floats per key state. */
    public int stateSize() {
        return stateSize;
    }

    /** A fresh (zero) state. */
    public float[] newState() {
        return new float[stateSize];
    }

    public int outputSize() {
        return outputSize;
    }

    /** Whether events are token ids (an Embedding first) rather than feature vectors. */
    public boolean tokenInput() {
        return tokenInput;
    }

    /** Valid token ids are [0, vocabularySize()); 0 for feature input. */
    public int vocabularySize() {
        return vocab;
    }

    /** Length of a feature vector; 0 for token input. */
    public int featureSize() {
        return featureSize;
    }

    public String modelName() {
        return modelName;
    }

    /** The kernels this model was compiled for: implementation, vector width, blocking. */
    public String describeKernels() {
        return kernels.describe();
    }

    /** Whether the Vector API kernels are in use. */
    public boolean vectorized() {
        return kernels instanceof VectorKernels;
    }

    /** Why a token cannot be stepped, if it cannot. */
    public Optional<String> checkToken(int token) {
        if (!tokenInput) return Optional.of("model '" + modelName + "' takes feature vectors of length " + featureSize + ", not token ids");
        if (token < 0 || token >= vocab) return Optional.of("token id " + token + " is outside [0, " + vocab + ")");
        return Optional.empty();
    }

    /** Why a feature vector cannot be stepped, if it cannot. */
    public Optional<String> checkFeatures(float[] f) {
        if (tokenInput) return Optional.of("model '" + modelName + "' takes token ids in [0, " + vocab + "), not feature vectors");
        if (f.length != featureSize) return Optional.of("feature vector has length " + f.length + ", the model needs " + featureSize);
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) return Optional.of("feature " + i + " is " + f[i] + "; non-finite values would poison the key's state");
        }
        return Optional.empty();
    }

    /** A stepper for up to {@code maxBatch} keys per call; one per thread. */
    public Stepper newStepper(int maxBatch) {
        return new Stepper(this, maxBatch);
    }

    List<StepOp> ops() {
        return ops;
    }

    Kernels kernels() {
        return kernels;
    }

    int maxWidth() {
        return maxWidth;
    }

    int maxGate() {
        return maxGate;
    }
}
