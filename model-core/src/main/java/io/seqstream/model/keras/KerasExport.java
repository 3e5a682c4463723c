package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.Tensor;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.Weight;
import io.seqstream.model.ops.ActivationFunction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a model back in Keras 3's formats, for {@code keras.models.load_model}:
 * <ul>
 *   <li>{@code .keras}: a zip of {@code metadata.json}, {@code config.json} (the Keras 3 serialized model,
 *       {@code Sequential} or {@code Functional}) and {@code model.weights.h5} ({@code layers/<key>/vars/<i>},
 *       recurrent layers {@code layers/<key>/cell/vars/<i>}, keys the snake_case class name made unique in
 *       layer order);</li>
 *   <li>{@code .h5}: Keras 3's legacy HDF5 (root attributes {@code keras_version}, {@code backend},
 *       {@code model_config}; {@code /model_weights/<layer>} with {@code weight_names}).</li>
 * </ul>
 * No optimizer state or training config is written: the file is for inference or for compiling anew.
 * Layers or options Keras 3 cannot express fail with a {@link KerasImportException} naming layer and option.
 */
public final class KerasExport {
    /** The Keras version the files declare (the one the format was checked against). */
    public static final String KERAS_VERSION = "3.15.1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private KerasExport() {
    }

    /** Writes {@code .keras} or {@code .h5} by the file's extension. */
    public static void save(Model model, Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".keras"))
            saveKeras(model, file);
        else if (n.endsWith(".h5") || n.endsWith(".hdf5"))
            saveH5(model, file);
        else
            throw new KerasImportException(file + ": give a .keras or .h5 file name to export to");
    }

    /** Keras 3 native {@code .keras} zip. */
    public static void saveKeras(Model model, Path file) {
        ObjectNode config = config(model, file.toString());
        Path weights = null;
        try {
            weights = Files.createTempFile(parentOrTmp(file), "weights", ".h5");
            Files.delete(weights);
            try (WritableHdfFile h5 = HdfFile.write(weights)) {
                writeKeras3Weights(model, h5);
            }
            Path tmp = Files.createTempFile(parentOrTmp(file), file.getFileName().toString(), ".tmp");
            try (OutputStream o = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(o)) {
                ObjectNode meta = F.objectNode();
                meta.put("keras_version", KERAS_VERSION);
                meta.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
                entry(zip, "metadata.json", JSON.writeValueAsBytes(meta));
                entry(zip, "config.json", JSON.writeValueAsBytes(config));
                entry(zip, Keras3Archive.WEIGHTS, Files.readAllBytes(weights));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KerasImportException(file + ": cannot write: " + e.getMessage(), e);
        } finally {
            if (weights != null) {
                try {
                    Files.deleteIfExists(weights);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** Keras 3 legacy HDF5 {@code .h5}. */
    public static void saveH5(Model model, Path file) {
        ObjectNode config = config(model, file.toString());
        try {
            Path tmp = Files.createTempFile(parentOrTmp(file), file.getFileName().toString(), ".tmp");
            Files.delete(tmp);
            try (WritableHdfFile h5 = HdfFile.write(tmp)) {
                h5.putAttribute("keras_version", KERAS_VERSION);
                h5.putAttribute("backend", "tensorflow");
                h5.putAttribute("model_config", JSON.writeValueAsString(config));
                WritableGroup mw = h5.putGroup("model_weights");
                mw.putAttribute("keras_version", KERAS_VERSION);
                mw.putAttribute("backend", "tensorflow");
                // Only layers with weights are listed (jhdf cannot write empty groups; Keras matches weighted layers in order).
                List<String> names = new ArrayList<>();
                for (Layer l : model.layers()) {
                    List<Weight> ws = l.weights();
                    if (ws.isEmpty())
                        continue;
                    names.add(l.name());
                    WritableGroup g = mw.putGroup(l.name());
                    WritableGroup inner = g.putGroup(l.name());
                    WritableGroup holder = l instanceof RNN ? inner.putGroup(cellName(l)) : inner;
                    List<String> wn = new ArrayList<>();
                    for (Weight w : ws) {
                        Hdf5Writer.put(holder, w.name(), w.toTensor());
                        wn.add(l.name() + "/" + (l instanceof RNN ? cellName(l) + "/" : "") + w.name());
                    }
                    g.putAttribute("weight_names", wn.toArray(String[]::new));
                }
                mw.putAttribute("layer_names", names.toArray(String[]::new));
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new KerasImportException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static Path parentOrTmp(Path file) {
        Path p = file.toAbsolutePath().getParent();
        return p != null ? p : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    private static String cellName(Layer l) {
        return Keras3Weights.snakeCase(((RNN) l).cell().kerasName());
    }

    /** {@code layers/<key>/vars/<i>} (recurrent: {@code .../cell/vars/<i>}), keys counted per class in layer order. */
    private static void writeKeras3Weights(Model model, WritableHdfFile h5) {
        // Layers without weights get no group: Keras reads a missing group as no variables, and jhdf cannot write empty groups.
        WritableGroup layers = h5.putGroup("layers");
        Map<String, Integer> used = new HashMap<>();
        List<Layer> order = new ArrayList<>();
        if (!(model instanceof Sequential))
            for (KerasTensor in : model.inputs())
                order.add(in.node().layer());
        order.addAll(model.layers());
        for (Layer l : order) {
            String base = Keras3Weights.snakeCase(l.className());
            int n = used.merge(base, 0, (old, zero) -> old + 1);
            List<Weight> ws = l.weights();
            if (ws.isEmpty())
                continue;
            WritableGroup g = layers.putGroup(n == 0 ? base : base + "_" + n);
            WritableGroup holder;
            if (l instanceof RNN) {
                holder = g.putGroup("cell").putGroup("vars");
                holder.putAttribute("name", cellName(l));
            } else {
                holder = g.putGroup("vars");
                holder.putAttribute("name", l.name());
            }
            for (int i = 0; i < ws.size(); i++)
                Hdf5Writer.put(holder, Integer.toString(i), ws.get(i).toTensor());
        }
    }

    // ------------------------------------------------------------------ config.json

    /** The Keras 3 serialized model. */
    static ObjectNode config(Model model, String file) {
        boolean seq = model instanceof Sequential;
        ObjectNode root = F.objectNode();
        root.put("module", seq ? "keras" : "keras.src.models.functional");
        root.put("class_name", seq ? "Sequential" : "Functional");
        if (seq)
            root.putNull("registered_name");
        else
            root.put("registered_name", "Functional");
        ObjectNode c = root.putObject("config");
        c.put("name", model.name());
        c.put("trainable", true);
        ArrayNode layers = c.putArray("layers");
        for (KerasTensor in : model.inputs()) {
            InputLayer il = (InputLayer) in.node().layer();
            ObjectNode l = layers.addObject();
            l.put("module", "keras.layers");
            l.put("class_name", "InputLayer");
            ObjectNode ic = l.putObject("config");
            ic.set("batch_shape", shape(il.batchShape()));
            ic.put("dtype", il.dtype());
            ic.put("sparse", false);
            ic.put("ragged", false);
            ic.put("name", il.name());
            ic.put("optional", false);
            l.putNull("registered_name");
            if (!seq) {
                l.put("name", il.name());
                l.putArray("inbound_nodes");
            }
        }
        for (Layer layer : model.layers()) {
            ObjectNode l = layers.addObject();
            l.put("module", "keras.layers");
            l.put("class_name", layer.className());
            l.set("config", layerConfig(layer, file));
            l.putNull("registered_name");
            if (!seq) {
                l.put("name", layer.name());
                ArrayNode nodes = l.putArray("inbound_nodes");
                for (KerasTensor.Node n : layer.inboundNodes()) {
                    if (!model.nodes().contains(n))
                        continue;
                    ObjectNode call = nodes.addObject();
                    ArrayNode args = call.putArray("args");
                    if (n.inputs().size() == 1) {
                        args.add(tensor(n.inputs().get(0)));
                    } else {
                        ArrayNode list = args.addArray();
                        for (KerasTensor t : n.inputs())
                            list.add(tensor(t));
                    }
                    call.putObject("kwargs");
                }
            }
        }
        if (seq) {
            c.set("build_input_shape", shape(((InputLayer) model.inputs().get(0).node().layer()).batchShape()));
        } else {
            ArrayNode ins = c.putArray("input_layers");
            for (KerasTensor t : model.inputs())
                ins.add(ref(t));
            if (model.outputs().size() == 1) {
                c.set("output_layers", ref(model.outputs().get(0)));
            } else {
                ArrayNode outs = c.putArray("output_layers");
                for (KerasTensor t : model.outputs())
                    outs.add(ref(t));
            }
        }
        root.putNull("compile_config");
        return root;
    }

    private static ArrayNode shape(int[] s) {
        ArrayNode a = F.arrayNode();
        for (int d : s) {
            if (d < 0)
                a.addNull();
            else
                a.add(d);
        }
        return a;
    }

    private static ArrayNode ref(KerasTensor t) {
        return F.arrayNode().add(t.node().layer().name()).add(t.node().nodeIndex()).add(t.index());
    }

    private static ObjectNode tensor(KerasTensor t) {
        ObjectNode o = F.objectNode();
        o.put("class_name", "__keras_tensor__");
        ObjectNode c = o.putObject("config");
        c.set("shape", shape(t.shape()));
        boolean ints = t.node().layer() instanceof InputLayer il && il.intDtype();
        c.put("dtype", t.node().layer() instanceof InputLayer il2 ? il2.dtype() : ints ? "int32" : "float32");
        c.set("keras_history", ref(t));
        return o;
    }

    /** A layer's Keras 3 config: seqstream's (Keras-named) config with what Keras 3 spells differently. */
    static ObjectNode layerConfig(Layer layer, String file) {
        ObjectNode c = layer.getConfig();
        String where = file + ": layer '" + layer.name() + "' (" + layer.className() + ")";
        c.remove("batch_input_shape");
        c.remove("batch_shape");
        c.remove("dtype");
        c.remove("input_length");
        c.put("trainable", layer.trainable());
        activations(c, where);
        if (c.has("cell") && c.get("cell") instanceof ObjectNode cell) {
            cell.put("module", "keras.layers");
            cell.putNull("registered_name");
            activations((ObjectNode) cell.get("config"), where + " cell");
        }
        if (layer.className().equals("Normalization")) {
            c.put("axis", -1);
        }
        return c;
    }

    private static void activations(ObjectNode c, String where) {
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().endsWith("activation") || !e.getValue().isTextual())
                continue;
            String a = e.getValue().textValue();
            if (a.equals(ActivationFunction.HARD_SIGMOID.kerasName())) {
                throw new KerasImportException(where + ": option '" + e.getKey() + "' = hard_sigmoid in its Keras 1/2 form (0.2x + 0.5)"
                        + " has no Keras 3 equivalent (Keras 3's hard_sigmoid is x/6 + 0.5); it cannot be exported");
            }
            if (a.equals(ActivationFunction.HARD_SIGMOID_KERAS3.kerasName()))
                e.setValue(F.textNode("hard_sigmoid"));
        }
    }
}
