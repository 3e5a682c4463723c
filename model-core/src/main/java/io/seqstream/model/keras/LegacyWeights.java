package io.seqstream.model.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weights as Keras 1, 2 and 3 write them into HDF5 ({@code save}, {@code save_weights}): the group
 * ({@code /model_weights}, or the root of a weights-only file) lists its layers in {@code layer_names};
 * each layer group lists its arrays in {@code weight_names}, in {@code get_weights()} order, as paths
 * relative to the layer group ({@code lstm_1_W_i}, {@code lstm_1/kernel:0},
 * {@code model/lstm_1/lstm_cell/kernel}). The attribute gives the order, never the group's iteration order.
 */
final class LegacyWeights {
    private LegacyWeights() {
    }

    static boolean isLegacyRoot(Group g) {
        return g.getAttribute("layer_names") != null;
    }

    /** Per layer name (in file order), its arrays in {@code get_weights()} order. */
    static Map<String, List<NamedArray>> read(Group root, String source) {
        if (!isLegacyRoot(root)) {
            throw new KerasImportException(source + ": no 'layer_names' attribute in " + root.getPath() + ": not Keras weights");
        }
        Map<String, List<NamedArray>> out = new LinkedHashMap<>();
        for (String layer : Hdf5.strings(root, "layer_names")) {
            Group g = Hdf5.childGroup(root, layer).orElseThrow(() -> new KerasImportException(
                    source + ": layer_names lists '" + layer + "' but the file has no group " + root.getPath() + layer));
            List<NamedArray> arrays = new ArrayList<>();
            for (String w : Hdf5.strings(g, "weight_names")) {
                String where = source + ": weight '" + w + "' of layer '" + layer + "'";
                Node n;
                try {
                    n = g.getByPath(w);
                } catch (RuntimeException e) {
                    throw new KerasImportException(where + " is listed in weight_names but missing from the file", e);
                }
                if (!(n instanceof Dataset d))
                    throw new KerasImportException(where + " is not a dataset");
                arrays.add(new NamedArray(w, Hdf5.tensor(d, where)));
            }
            out.put(layer, arrays);
        }
        return out;
    }
}
