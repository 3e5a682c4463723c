package io.seqstream.model.keras;

import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.GRUCell;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.Weight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts stored arrays into a model's layers, converting old layouts to the Keras 2 one model-core uses.
 *
 * <p>Keras 1 stored an LSTM as twelve per-gate arrays {@code W_i, U_i, b_i, W_c, U_c, b_c, W_f, U_f, b_f,
 * W_o, U_o, b_o} (note c before f); they are joined into {@code kernel [in, 4u]}, {@code recurrent_kernel
 * [u, 4u]} and {@code bias [4u]} in Keras 2's gate order i, f, c, o. Every other supported layer (and a Keras 1
 * LSTM saved with {@code consume_less='gpu'}) already has the Keras 2 layout. Theano and TensorFlow backends
 * store Dense, Embedding and recurrent weights identically (only convolution kernels differ, and those
 * layers are not supported).
 */
final class WeightLayout {
    private static final Pattern KERAS1_GATE = Pattern.compile("(?:^|_)([WUb])_([ifco])(?::\\d+)?$");
    private static final Pattern KERAS1_GRU_GATE = Pattern.compile("(?:^|_)([WUb])_([zrh])(?::\\d+)?$");
    private static final String GATES = "ifco"; // Keras 2 order along the 4u axis is i, f, c, o
    private static final String KERAS1_ORDER = "icfo"; // Keras 1 trainable_weights order

    private WeightLayout() {
    }

    static void apply(Model model, Map<String, List<NamedArray>> byLayer, String source) {
        List<String> modelLayers = new ArrayList<>();
        for (Layer l : model.layers()) {
            modelLayers.add(l.name());
            List<Weight> expected = l.weights();
            List<NamedArray> stored = byLayer.getOrDefault(l.name(), List.of());
            if (expected.isEmpty()) {
                if (!stored.isEmpty())
                    throw new KerasImportException(where(source, l) + " has no weights but the file stores " + names(stored));
                continue;
            }
            if (!byLayer.containsKey(l.name())) {
                throw new KerasImportException(where(source, l) + ": the weights file has no weights for this layer; it has layers "
                        + byLayer.keySet());
            }
            List<Tensor> values = toKerasLayout(l, stored, source);
            try {
                l.setWeights(values);
            } catch (IllegalArgumentException e) {
                throw new KerasImportException(source + ": " + e.getMessage() + " (stored as " + names(stored) + ")", e);
            }
        }
        for (Map.Entry<String, List<NamedArray>> e : byLayer.entrySet()) {
            if (!e.getValue().isEmpty() && !modelLayers.contains(e.getKey())) {
                throw new KerasImportException(source + ": the weights file has weights " + names(e.getValue()) + " for layer '"
                        + e.getKey() + "', which the model config does not have");
            }
        }
    }

    private static List<Tensor> toKerasLayout(Layer l, List<NamedArray> stored, String source) {
        int expected = l.weights().size();
        if (l instanceof RNN rnn && rnn.cell() instanceof LSTMCell && stored.size() == 12)
            return keras1Lstm(stored, where(source, l));
        if (l instanceof RNN rnn && rnn.cell() instanceof GRUCell && stored.size() == 9)
            return keras1Gru(stored, where(source, l));
        if (stored.size() != expected) {
            throw new KerasImportException(where(source, l) + " has " + expected + " weights "
                    + l.weights().stream().map(Weight::name).toList() + " but the file stores " + stored.size() + ": " + names(stored));
        }
        return stored.stream().map(NamedArray::value).toList();
    }

    private static List<Tensor> keras1Lstm(List<NamedArray> stored, String where) {
        Tensor[][] byGate = new Tensor[3][4]; // [W, U, b][i, f, c, o]
        boolean named = true;
        for (NamedArray a : stored) {
            Matcher m = KERAS1_GATE.matcher(a.name());
            if (!m.find()) {
                named = false;
                break;
            }
            int kind = "WUb".indexOf(m.group(1));
            int gate = GATES.indexOf(m.group(2));
            if (byGate[kind][gate] != null) {
                named = false;
                break;
            }
            byGate[kind][gate] = a.value();
        }
        if (!named) {
            byGate = new Tensor[3][4];
            for (int k = 0; k < 12; k++)
                byGate[k % 3][GATES.indexOf(KERAS1_ORDER.charAt(k / 3))] = stored.get(k).value();
        }
        return List.of(joinColumns(byGate[0], where), joinColumns(byGate[1], where), joinColumns(byGate[2], where));
    }

    /**
     * Keras 1 GRU: nine per-gate arrays {@code W_z, U_z, b_z, W_r, U_r, b_r, W_h, U_h, b_h} (names, or that
     * order), joined into kernel, recurrent_kernel and bias in gate order z, r, h (a reset_after=False GRU).
     */
    private static List<Tensor> keras1Gru(List<NamedArray> stored, String where) {
        final String gates = "zrh";
        Tensor[][] byGate = new Tensor[3][3];
        boolean named = true;
        for (NamedArray a : stored) {
            Matcher m = KERAS1_GRU_GATE.matcher(a.name());
            if (!m.find() || byGate["WUb".indexOf(m.group(1))][gates.indexOf(m.group(2))] != null) {
                named = false;
                break;
            }
            byGate["WUb".indexOf(m.group(1))][gates.indexOf(m.group(2))] = a.value();
        }
        if (!named) {
            byGate = new Tensor[3][3];
            for (int k = 0; k < 9; k++)
                byGate[k % 3][k / 3] = stored.get(k).value();
        }
        return List.of(joinColumns(byGate[0], where), joinColumns(byGate[1], where), joinColumns(byGate[2], where));
    }

    /** Joins [rows, u] (or [u]) arrays side by side into [rows, 4u] (or [4u]). */
    private static Tensor joinColumns(Tensor[] parts, String where) {
        int[] s = parts[0].shape();
        int rows = s.length == 1 ? 1 : s[0];
        int u = s[s.length - 1];
        for (Tensor p : parts) {
            if (!Arrays.equals(p.shape(), s)) {
                throw new KerasImportException(
                        where + ": Keras 1 gate arrays differ in shape: " + parts[0].shapeString() + " and " + p.shapeString());
            }
        }
        int n = parts.length;
        float[] out = new float[rows * n * u];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < n; g++)
                System.arraycopy(parts[g].data(), r * u, out, r * n * u + g * u, u);
        }
        return s.length == 1 ? Tensor.wrap(out, n * u) : Tensor.wrap(out, rows, n * u);
    }

    private static String where(String source, Layer l) {
        return source + ": layer '" + l.name() + "' (" + l.className() + ")";
    }

    private static List<String> names(List<NamedArray> arrays) {
        return arrays.stream().map(a -> a.name() + a.value().shapeString()).toList();
    }
}
