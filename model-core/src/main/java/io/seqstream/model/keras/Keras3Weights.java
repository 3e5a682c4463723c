package io.seqstream.model.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Weights of a Keras 3 {@code model.weights.h5}: {@code layers/<key>/vars/<i>}, for recurrent layers
 * {@code layers/<key>/cell/vars/<i>} (for wrappers {@code layers/<key>/layer/vars/<i>}), with {@code i} in
 * {@code get_weights()} order. The key is not the
 * layer's name: it is the snake_case class name made unique with {@code _1, _2, ...} in the order of the
 * model's layers (a Sequential's layer list leaves out its InputLayer), so weights are matched by position.
 */
final class Keras3Weights {
    private Keras3Weights() {
    }

    static boolean isKeras3Root(Group root) {
        return Hdf5.childGroup(root, "layers").isPresent() && !LegacyWeights.isLegacyRoot(root);
    }

    static Map<String, List<NamedArray>> read(Group root, ConvertedConfig config, String source) {
        Group layers = Hdf5.childGroup(root, "layers").orElseThrow(() -> new KerasImportException(
                source + ": no 'layers' group: not a Keras 3 weights file"));
        Map<String, Integer> used = new HashMap<>();
        Map<String, List<NamedArray>> out = new LinkedHashMap<>();
        for (KerasLayerRef ref : config.layers()) {
            if (config.sequential() && ref.isInput())
                continue;
            String base = snakeCase(ref.className());
            Integer n = used.merge(base, 0, (old, zero) -> old + 1);
            String key = n == 0 ? base : base + "_" + n;
            Optional<Group> g = Hdf5.childGroup(layers, key);
            if (g.isEmpty()) {
                out.put(ref.name(), List.of());
                continue;
            }
            checkName(g.get(), ref, key, source);
            List<NamedArray> arrays = new ArrayList<>();
            vars(g.get(), "layers/" + key, arrays, source);
            // Sub-objects are saved under their attribute name: an RNN's cell, a wrapper's (TimeDistributed) layer.
            for (String sub : new String[]{ "cell", "layer" }) {
                Hdf5.childGroup(g.get(), sub).ifPresent(s -> vars(s, "layers/" + key + "/" + sub, arrays, source));
            }
            out.put(ref.name(), arrays);
        }
        return out;
    }

    /** Recent Keras 3 versions record the layer's name on its vars group: a cheap check that positions line up. */
    private static void checkName(Group g, KerasLayerRef ref, String key, String source) {
        Optional<Group> vars = Hdf5.childGroup(g, "vars");
        Optional<String> stored = vars.flatMap(v -> Hdf5.string(v, "name"));
        if (stored.isPresent() && !stored.get().equals(ref.name())) {
            throw new KerasImportException(source + ": weights group layers/" + key + " belongs to layer '" + stored.get()
                    + "' but the config puts layer '" + ref.name() + "' (" + ref.className() + ") there");
        }
    }

    private static void vars(Group g, String path, List<NamedArray> into, String source) {
        Optional<Group> vars = Hdf5.childGroup(g, "vars");
        if (vars.isEmpty())
            return;
        Map<String, Node> children = vars.get().getChildren();
        for (int i = 0; i < children.size(); i++) {
            String where = source + ": " + path + "/vars/" + i;
            Node n = children.get(Integer.toString(i));
            if (!(n instanceof Dataset d))
                throw new KerasImportException(where + " is missing (vars must be numbered 0.." + (children.size() - 1) + ")");
            into.add(new NamedArray(path + "/vars/" + i, Hdf5.tensor(d, where)));
        }
    }

    /** Keras' {@code naming.to_snake_case}: "SimpleRNN" to "simple_rnn", "InputLayer" to "input_layer". */
    static String snakeCase(String className) {
        String s = className.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        s = s.replaceAll("([a-z])([A-Z])", "$1_$2");
        return s.toLowerCase(Locale.ROOT);
    }
}
