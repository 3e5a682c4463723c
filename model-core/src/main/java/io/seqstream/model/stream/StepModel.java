package io.seqstream.model.stream;

import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.Activation;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.Flatten;
import io.seqstream.model.layers.GRUCell;
import io.seqstream.model.layers.IndexLookup;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.IntegerLookup;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.Masking;
import io.seqstream.model.layers.Normalization;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.RecurrentCell;
import io.seqstream.model.layers.SimpleRNNCell;
import io.seqstream.model.layers.StringLookup;
import io.seqstream.model.ops.ActivationFunction;
import io.seqstream.model.ops.Gemm;
import io.seqstream.model.ops.Kernels;
import io.seqstream.model.ops.PackedMatrix;
import io.seqstream.model.ops.ScalarKernels;
import io.seqstream.model.ops.VectorKernels;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model compiled into a per-key step function: one time step for a batch of independent keys, each
 * carrying its own recurrent state outside the model (Keras {@code stateful=True}, per key instead of
 * per batch slot).
 *
 * <p>A key's state is a plain {@code float[stateSize()]}: for each recurrent layer in order, h then c (LSTM)
 * or h (GRU, SimpleRNN). All zeros is a fresh key (Keras {@code reset_states}). The output of a step is what
 * the model gives for the last time step of that key's sequence so far. A step masked by the model
 * ({@code Embedding(mask_zero=True)} and id 0, or {@code Masking} and a vector of the mask value) leaves the
 * key's recurrent state as it was, so the output is the one after its previous unmasked step.
 *
 * <p>Every model input must be a per-step sequence: token ids (batch, time), strings (batch, time) read by a
 * StringLookup, or feature vectors (batch, time, features). Each input may pass through its own lookup,
 * Embedding, Normalization and Masking layers; several inputs then meet in one {@code Concatenate} on the
 * feature axis, followed by a chain of recurrent, Dense, Activation and Dropout layers. One step takes one
 * value per input for each key ({@link StepBatch}).
 *
 * <p>Instances are immutable and thread-safe: weights are copied and repacked at compile time for the
 * kernels ({@code [in, gates]} panels, a {@code vocab x gates} token table when an Embedding feeds the first
 * recurrent layer directly). Each thread takes its own {@link Stepper} for scratch space.
 */
public final class StepModel {
    private final List<StepInput> inputs;
    private final List<StepOp> ops;
    private final boolean fused; // the single token input's embedding is folded into the first recurrent layer
    private final int rowWidth; // width of the assembled input row (0 when fused)
    private final int stateSize;
    private final int outputSize;
    private final int maxWidth;
    private final int maxGate;
    private final Kernels kernels;
    private final String modelName;

    private StepModel(List<StepInput> inputs, List<StepOp> ops, boolean fused, int rowWidth, int stateSize, Kernels kernels,
            String modelName) {
        this.inputs = List.copyOf(inputs);
        this.ops = List.copyOf(ops);
        this.fused = fused;
        this.rowWidth = rowWidth;
        this.stateSize = stateSize;
        this.kernels = kernels;
        this.modelName = modelName;
        int w = rowWidth, g = 0;
        for (StepInput in : inputs)
            w = Math.max(w, in.featureSize);
        for (StepOp op : ops) {
            w = Math.max(w, op instanceof StepOp.DenseStep d ? d.stride() : op.outWidth());
            if (op instanceof StepOp.Recurrent r)
                g = Math.max(g, r.gateWidth());
            if (op instanceof StepOp.GruStep r)
                g = Math.max(g, r.gateWidth());
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
        if (model.outputs().size() != 1) {
            throw new IllegalArgumentException(m + " cannot be stepped per key: it has " + model.outputs().size()
                    + " outputs; the stepper takes models with one output");
        }
        int panel = kernels.panelWidth();
        Map<KerasTensor, List<KerasTensor.Node>> consumers = new IdentityHashMap<>();
        for (KerasTensor.Node n : model.nodes())
            for (KerasTensor t : n.inputs())
                consumers.computeIfAbsent(t, k -> new ArrayList<>()).add(n);
        Set<KerasTensor.Node> used = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        // 1. Each input's own layers, up to the merge (or, for one input, up to the first other layer).
        List<Branch> branches = new ArrayList<>();
        for (KerasTensor in : model.inputs())
            branches.add(Branch.walk(m, in, consumers, used));
        KerasTensor prev;
        List<Branch> order = branches;
        if (branches.size() == 1) {
            prev = branches.get(0).end;
        } else {
            KerasTensor.Node merge = null;
            for (Branch b : branches) {
                List<KerasTensor.Node> next = consumers.getOrDefault(b.end, List.of());
                if (next.size() != 1) {
                    throw new IllegalArgumentException(
                            m + ": input '" + b.name + "' must reach one Concatenate with the other inputs, it goes to "
                                    + next.stream().map(n -> n.layer().name()).toList());
                }
                if (merge != null && next.get(0) != merge) {
                    throw new IllegalArgumentException(m + ": the inputs meet in different layers ('" + merge.layer().name() + "' and '"
                            + next.get(0).layer().name() + "'); the stepper needs them joined by one Concatenate");
                }
                merge = next.get(0);
            }
            if (!(merge.layer() instanceof Concatenate cat) || merge.inputs().size() != branches.size()
                    || !(cat.axis() == -1 || cat.axis() == 2)) {
                throw new IllegalArgumentException(m + ": layer '" + merge.layer().name() + "' (" + merge.layer().className()
                        + ") joins the inputs; the stepper needs Concatenate(axis=-1) over all of them");
            }
            order = new ArrayList<>();
            for (KerasTensor t : merge.inputs()) {
                Branch match = null;
                for (Branch b : branches)
                    if (b.end == t)
                        match = b;
                if (match == null || order.contains(match)) {
                    throw new IllegalArgumentException(m + ": layer '" + merge.layer().name() + "' must join each input exactly once");
                }
                order.add(match);
            }
            used.add(merge);
            prev = merge.outputs().get(0);
        }

        // 2. The chain after the inputs.
        List<KerasTensor.Node> chain = new ArrayList<>();
        for (KerasTensor.Node n : model.nodes())
            if (!(n.layer() instanceof InputLayer) && !used.contains(n))
                chain.add(n);
        boolean fuse = branches.size() == 1 && branches.get(0).fusable() && !chain.isEmpty() && chain.get(0).layer() instanceof RNN;
        List<StepInput> inputs = new ArrayList<>(branches.size());
        int offset = 0;
        for (Branch b : branches) {
            int off = 0;
            for (Branch o : order) {
                if (o == b)
                    break;
                off += o.width;
            }
            inputs.add(b.toInput(off));
            offset += b.width;
        }
        int width = fuse ? 0 : offset;
        List<StepOp> ops = new ArrayList<>();
        int state = 0;
        boolean sawRecurrent = false;
        boolean sequenceAxis = true; // whether the current tensor still has a time axis
        Branch fusedBranch = fuse ? branches.get(0) : null;
        for (KerasTensor.Node n : chain) {
            Layer l = n.layer();
            if (n.inputs().size() != 1 || n.inputs().get(0) != prev) {
                throw new IllegalArgumentException(
                        m + ": layer '" + l.name() + "' is not part of a single chain; after the inputs are joined"
                                + " the stepper needs a sequential chain of layers");
            }
            prev = n.outputs().get(0);
            String where = m + ": layer '" + l.name() + "' (" + l.className() + ")";
            if (l instanceof RNN rnn) {
                if (!sequenceAxis)
                    throw new IllegalArgumentException(where + ": follows a layer that removed the time axis");
                if (rnn.goBackwards()) {
                    throw new IllegalArgumentException(
                            where + ": go_backwards=True reads the sequence from its end, which a stream does not have yet");
                }
                RecurrentCell cell = rnn.cell();
                int units = cell.units();
                List<Tensor> w = rnn.getWeights();
                float[] k = w.get(0).data(), r = w.get(1).data();
                float[] embedding = fusedBranch != null ? fusedBranch.embedding : null;
                int vocab = fusedBranch != null ? fusedBranch.indexCount : 0;
                int embWidth = fusedBranch != null ? fusedBranch.width : 0;
                fusedBranch = null;
                if (cell instanceof GRUCell gru) {
                    int g = 3 * units;
                    float[] inBias = new float[g], recBias = new float[g];
                    if (w.size() > 2) {
                        float[] b = w.get(2).data();
                        System.arraycopy(b, 0, inBias, 0, g);
                        if (gru.resetAfter())
                            System.arraycopy(b, g, recBias, 0, g);
                    }
                    int pg = new PackedMatrix(new float[units * g], units, g, panel).paddedCols();
                    float[] tokenTable = embedding != null ? tokenTable(embedding, vocab, embWidth, k, g, inBias, pg) : null;
                    PackedMatrix kernel = embedding != null ? null : new PackedMatrix(k, width, g, panel);
                    PackedMatrix rec = null, recZr = null, recH = null;
                    if (gru.resetAfter()) {
                        rec = new PackedMatrix(r, units, g, panel);
                    } else {
                        recZr = new PackedMatrix(columns(r, units, g, 0, 2 * units), units, 2 * units, panel);
                        recH = new PackedMatrix(columns(r, units, g, 2 * units, units), units, units, panel);
                    }
                    ops.add(new StepOp.GruStep(units, width, kernel, java.util.Arrays.copyOf(inBias, pg), tokenTable, gru.resetAfter(), rec,
                            java.util.Arrays.copyOf(recBias, pg), recZr, recH, cell.activation(), gru.recurrentActivation(), state,
                            l.name()));
                    state += units;
                } else {
                    boolean lstm = cell instanceof LSTMCell;
                    if (!lstm && !(cell instanceof SimpleRNNCell))
                        throw new IllegalArgumentException(where + ": unsupported cell " + cell.kerasName());
                    int g = lstm ? 4 * units : units;
                    float[] bias = new float[g];
                    if (w.size() > 2)
                        System.arraycopy(w.get(2).data(), 0, bias, 0, g);
                    PackedMatrix rec = new PackedMatrix(r, units, g, panel);
                    float[] tokenTable = embedding != null ? tokenTable(embedding, vocab, embWidth, k, g, bias, rec.paddedCols()) : null;
                    PackedMatrix kernel = embedding != null ? null : new PackedMatrix(k, width, g, panel);
                    float[] paddedBias = new float[rec.paddedCols()];
                    System.arraycopy(bias, 0, paddedBias, 0, g);
                    ActivationFunction recAct = lstm ? ((LSTMCell) cell).recurrentActivation() : cell.activation();
                    ops.add(new StepOp.Recurrent(lstm, units, width, kernel, paddedBias, tokenTable, rec, cell.activation(), recAct, state,
                            l.name()));
                    state += lstm ? 2 * units : units;
                }
                width = units;
                sawRecurrent = true;
                sequenceAxis = rnn.returnSequences();
            } else if (l instanceof Dense d) {
                List<Tensor> w = d.getWeights();
                int in = width, u = d.units();
                float[] k = w.get(0).data();
                float[] kt = new float[u * in];
                for (int i = 0; i < in; i++)
                    for (int j = 0; j < u; j++)
                        kt[j * in + i] = k[i * u + j];
                boolean wide = u >= 32;
                PackedMatrix packed = wide ? new PackedMatrix(k, in, u, panel) : null;
                float[] b = new float[wide ? packed.paddedCols() : u];
                if (w.size() > 1)
                    System.arraycopy(w.get(1).data(), 0, b, 0, u);
                ops.add(new StepOp.DenseStep(wide ? null : kt, packed, b, in, u, d.activation()));
                width = u;
            } else if (l instanceof Activation a) {
                ops.add(new StepOp.ActivationStep(a.function(), width));
            } else if (l instanceof Dropout) {
                // identity at inference
            } else if (l instanceof Flatten) {
                if (sequenceAxis)
                    throw new IllegalArgumentException(where + ": Flatten over the time axis mixes time steps and cannot be streamed");
            } else if (l instanceof Embedding || l instanceof IndexLookup<?> || l instanceof Normalization || l instanceof Masking) {
                throw new IllegalArgumentException(
                        where + ": the stepper takes this layer only between a model input and the merge of the inputs");
            } else {
                throw new IllegalArgumentException(where + ": layer class " + l.className() + " cannot be stepped per key");
            }
        }
        if (!sawRecurrent)
            throw new IllegalArgumentException(m + " has no recurrent layer: there is no per-key state to carry");
        return new StepModel(inputs, ops, fuse, fuse ? 0 : offset, state, kernels, model.name());
    }

    /** Per token index: embedding row times the input kernel plus bias, rows padded to {@code stride}. */
    private static float[] tokenTable(float[] emb, int vocab, int e, float[] kernel, int g, float[] bias, int stride) {
        float[] prod = new float[vocab * g];
        Gemm.nn(emb, 0, kernel, 0, prod, 0, vocab, e, g, false);
        float[] table = new float[vocab * stride];
        for (int t = 0; t < vocab; t++)
            for (int j = 0; j < g; j++)
                table[t * stride + j] = prod[t * g + j] + bias[j];
        return table;
    }

    private static float[] columns(float[] w, int rows, int cols, int from, int n) {
        float[] r = new float[rows * n];
        for (int i = 0; i < rows; i++)
            System.arraycopy(w, i * cols + from, r, i * n, n);
        return r;
    }

    /** The layers between one model input and the merge. */
    private static final class Branch {
        String name;
        StepInput.Kind kind;
        int vocab;
        StringLookup stringLookup;
        IntegerLookup integerLookup;
        float[] embedding;
        int indexCount;
        boolean maskZero;
        int featureSize;
        float[] scale;
        float[] shift;
        boolean masking;
        float maskValue;
        boolean normalizeBeforeMasking;
        boolean onlyEmbedding = true; // nothing but lookups and an Embedding
        int width;
        KerasTensor end;

        boolean fusable() {
            return embedding != null && onlyEmbedding && !maskZero;
        }

        StepInput toInput(int offset) {
            return new StepInput(name, kind, vocab, stringLookup, integerLookup, embedding, maskZero, featureSize, scale, shift, masking,
                    maskValue,
                    normalizeBeforeMasking, width, offset);
        }

        static Branch walk(String m, KerasTensor in, Map<KerasTensor, List<KerasTensor.Node>> consumers, Set<KerasTensor.Node> used) {
            InputLayer il = (InputLayer) in.node().layer();
            Branch b = new Branch();
            b.name = il.name();
            int[] shape = il.batchShape();
            String where = m + ": input '" + b.name + "' " + Tensor.shapeString(shape);
            if (il.dtype().equals("string") && shape.length == 2)
                b.kind = StepInput.Kind.STRING;
            else if (il.intDtype() && shape.length == 2)
                b.kind = StepInput.Kind.TOKEN;
            else if (!il.intDtype() && shape.length == 3 && shape[2] > 0)
                b.kind = StepInput.Kind.FEATURES;
            else if (!il.intDtype() && shape.length == 2
                    && consumers.getOrDefault(in, List.of()).stream().allMatch(n -> n.layer() instanceof Embedding)) {
                b.kind = StepInput.Kind.TOKEN; // float-typed ids straight into an Embedding
            } else {
                throw new IllegalArgumentException(
                        where + " is not a per-step sequence: the stepper takes token ids or strings (batch, time) or"
                                + " feature vectors (batch, time, features)");
            }
            b.featureSize = b.kind == StepInput.Kind.FEATURES ? shape[2] : 0;
            b.width = b.featureSize;
            KerasTensor t = in;
            while (true) {
                List<KerasTensor.Node> next = consumers.getOrDefault(t, List.of());
                if (next.size() != 1)
                    break;
                KerasTensor.Node n = next.get(0);
                Layer l = n.layer();
                if (n.inputs().size() != 1)
                    break;
                String lw = m + ": layer '" + l.name() + "' (" + l.className() + ") on input '" + b.name + "'";
                if (l instanceof StringLookup s) {
                    if (b.kind != StepInput.Kind.STRING || b.stringLookup != null)
                        throw new IllegalArgumentException(lw + ": a StringLookup must read the string input directly");
                    b.stringLookup = s;
                    b.indexCount = s.vocabularySize();
                } else if (l instanceof IntegerLookup s) {
                    if (b.kind != StepInput.Kind.TOKEN || b.integerLookup != null || b.embedding != null) {
                        throw new IllegalArgumentException(lw + ": an IntegerLookup must read the token input directly");
                    }
                    b.integerLookup = s;
                    b.indexCount = s.vocabularySize();
                } else if (l instanceof Embedding e) {
                    if (b.kind == StepInput.Kind.FEATURES || b.embedding != null)
                        throw new IllegalArgumentException(lw + ": an Embedding must read token ids");
                    if (b.kind == StepInput.Kind.STRING && b.stringLookup == null)
                        throw new IllegalArgumentException(lw + ": strings need a StringLookup first");
                    int ids = b.stringLookup != null || b.integerLookup != null ? b.indexCount : e.inputDim();
                    if (ids > e.inputDim()) {
                        throw new IllegalArgumentException(
                                lw + ": the lookup gives indices up to " + (ids - 1) + " but input_dim is " + e.inputDim());
                    }
                    b.embedding = e.getWeights().get(0).data();
                    b.indexCount = e.inputDim();
                    if (b.stringLookup == null && b.integerLookup == null)
                        b.vocab = e.inputDim();
                    b.maskZero = e.maskZero();
                    b.width = e.outputDim();
                } else if (l instanceof Normalization norm) {
                    if (b.width == 0 || b.scale != null)
                        throw new IllegalArgumentException(lw + ": Normalization must follow the features or the Embedding once");
                    float[][] a = norm.affine();
                    b.scale = a[0];
                    b.shift = a[1];
                    b.onlyEmbedding = false;
                } else if (l instanceof Masking mk) {
                    if (b.kind != StepInput.Kind.FEATURES || b.masking)
                        throw new IllegalArgumentException(lw + ": Masking must read feature vectors");
                    b.masking = true;
                    b.maskValue = mk.maskValue();
                    b.normalizeBeforeMasking = b.scale != null;
                    b.onlyEmbedding = false;
                } else if (l instanceof Dropout) {
                    // identity at inference
                } else {
                    break;
                }
                used.add(n);
                t = n.outputs().get(0);
            }
            if (b.kind != StepInput.Kind.FEATURES && b.embedding == null) {
                throw new IllegalArgumentException(
                        where + ": token ids and strings need an Embedding on their way to the recurrent layers");
            }
            if (b.kind == StepInput.Kind.STRING && b.stringLookup == null)
                throw new IllegalArgumentException(where + ": strings need a StringLookup");
            b.end = t;
            return b;
        }
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

    /** Model inputs, in order; one value of each per key and step. */
    public List<StepInput> inputs() {
        return inputs;
    }

    public int inputCount() {
        return inputs.size();
    }

    public StepInput input(int i) {
        if (i < 0 || i >= inputs.size())
            throw new IllegalArgumentException("model '" + modelName + "' has " + inputs.size() + " input(s), not " + (i + 1));
        return inputs.get(i);
    }

    /** Whether events are token ids (one token input) rather than feature vectors. */
    public boolean tokenInput() {
        return inputs.size() == 1 && inputs.get(0).kind == StepInput.Kind.TOKEN;
    }

    /** Valid token ids are [0, vocabularySize()) for a single token input; 0 otherwise. */
    public int vocabularySize() {
        return tokenInput() ? inputs.get(0).vocab : 0;
    }

    /** Length of a feature vector for a single feature input; 0 otherwise. */
    public int featureSize() {
        return inputs.size() == 1 && inputs.get(0).kind == StepInput.Kind.FEATURES ? inputs.get(0).featureSize : 0;
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

    /** Why a token cannot be stepped, if it cannot (single token input). */
    public Optional<String> checkToken(int token) {
        if (!tokenInput())
            return Optional.of("model '" + modelName + "' does not take one token id per event (inputs: " + describeInputs() + ")");
        StepInput in = inputs.get(0);
        if (in.integerLookup != null)
            return Optional.empty();
        if (token < 0 || token >= in.vocab)
            return Optional.of("token id " + token + " is outside [0, " + in.vocab + ")");
        return Optional.empty();
    }

    /** Why a feature vector cannot be stepped, if it cannot (single feature input). */
    public Optional<String> checkFeatures(float[] f) {
        if (inputs.size() != 1 || inputs.get(0).kind != StepInput.Kind.FEATURES) {
            if (tokenInput())
                return Optional.of("model '" + modelName + "' takes token ids in [0, " + vocabularySize() + "), not feature vectors");
            return Optional.of("model '" + modelName + "' does not take one feature vector per event (inputs: " + describeInputs() + ")");
        }
        return inputs.get(0).checkFeatures(f).map(e -> e.replace("input '" + inputs.get(0).name + "': ", ""));
    }

    private String describeInputs() {
        return inputs.stream().map(i -> i.name + " " + i.kind.name().toLowerCase()).toList().toString();
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

    boolean fused() {
        return fused;
    }

    int rowWidth() {
        return rowWidth;
    }
}
