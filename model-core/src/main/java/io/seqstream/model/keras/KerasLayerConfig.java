package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites one layer of a Keras 1, 2 or 3 config into the Keras 2 form that
 * {@link io.seqstream.model.config.ModelConfig#layerFromConfig} reads. Only names change here; whether a
 * layer, option or value is supported is decided by ModelConfig, which rejects what it does not know.
 */
final class KerasLayerConfig {
    /** The class and config to hand to ModelConfig. */
    record Translated(String className, ObjectNode config) {
    }

    private static final Set<String> RECURRENT = Set.of("LSTM", "SimpleRNN", "GRU", "RNN");
    private static final Set<String> NESTED_MODELS = Set.of("Sequential", "Model", "Functional");
    private static final Set<String> INPUT_KEYS = Set.of(
            "name", "batch_shape", "batch_input_shape", "dtype", "input_dtype", "sparse", "ragged", "optional", "input_tensor");
    /** Keras 1 {@code Merge(mode=...)} to the Keras 2 merge layer of the same math. */
    private static final Map<String, String> MERGE_MODES = Map.of(
            "sum", "Add", "mul", "Multiply", "ave", "Average", "max", "Maximum", "concat", "Concatenate");

    private KerasLayerConfig() {
    }

    static Translated translate(String cls, JsonNode config, KerasVersion version, String where) {
        if (NESTED_MODELS.contains(cls)) {
            throw new KerasImportException(where + ": nested models are not supported; flatten the model into one "
                    + "Sequential or functional model before saving it");
        }
        if (!config.isObject())
            throw new KerasImportException(where + ": field 'config' must be an object, got " + config);
        ObjectNode c = ((ObjectNode) config).deepCopy();
        if (cls.equals("TimeDistributed")) {
            // TimeDistributed(Dense) is Dense on the last axis, which is what Dense does on any rank.
            JsonNode inner = c.path("layer");
            String innerCls = inner.path("class_name").asText();
            if (!innerCls.equals("Dense") || !inner.path("config").isObject()) {
                throw new KerasImportException(where + ": TimeDistributed(" + innerCls + ") is not supported; only TimeDistributed(Dense)");
            }
            c = ((ObjectNode) inner.get("config")).deepCopy();
            cls = "Dense";
        } else if (cls.equals("TimeDistributedDense")) {
            cls = "Dense"; // Keras 1's per-time-step Dense
        }
        c.remove("name"); // the layer's name is the entry's (for a wrapper, the wrapper's: its weights are stored under it)
        checkNotSet(c, "quantization_config", where);
        checkNotSet(c, "lora_rank", where);
        // Shapes of a model's input live in its declared input; on other layers they are stale.
        c.remove("batch_input_shape");
        c.remove("batch_shape");
        c.remove("input_dtype");
        String out = cls;
        if (cls.equals("Merge"))
            out = mergeClass(c, where);
        renameKeras1(out, c, version);
        if (out.equals("Concatenate") && !c.has("axis"))
            c.put("axis", -1);
        return new Translated(out, c);
    }

    /** Keras 1 names of the same options ({@code output_dim}, {@code inner_activation}, Dense {@code bias}...). */
    private static void renameKeras1(String cls, ObjectNode c, KerasVersion version) {
        if (!cls.equals("Embedding")) {
            rename(c, "output_dim", "units");
            // Keras 1 repeats the input size on every layer; the model's input shape already holds it.
            c.remove("input_dim");
            c.remove("input_length");
        } else {
            c.remove("dropout"); // Keras 1 embedding dropout acts in training only
        }
        if (cls.equals("Dense"))
            rename(c, "bias", "use_bias");
        if (RECURRENT.contains(cls)) {
            rename(c, "inner_activation", "recurrent_activation");
            rename(c, "dropout_W", "dropout");
            rename(c, "dropout_U", "recurrent_dropout");
            // Keras 1 and 2 LSTMs default to hard_sigmoid; ModelConfig's default is Keras 3's sigmoid.
            if (version.major() < 3 && (cls.equals("LSTM") || cls.equals("GRU")) && !c.has("recurrent_activation")) {
                c.put("recurrent_activation", "hard_sigmoid");
            }
            // Keras 1 and standalone Keras 2 GRUs reset before the recurrent product (no reset_after option, or false).
            if (cls.equals("GRU") && !c.has("reset_after"))
                c.put("reset_after", version.major() >= 3);
        }
    }

    private static void rename(ObjectNode c, String from, String to) {
        JsonNode v = c.remove(from);
        if (v != null && !c.has(to))
            c.set(to, v);
    }

    private static String mergeClass(ObjectNode c, String where) {
        JsonNode mode = c.remove("mode");
        if (mode == null || !mode.isTextual() || !MERGE_MODES.containsKey(mode.textValue())) {
            throw new KerasImportException(where + ": Merge option 'mode' = " + mode + " is not supported; supported modes: "
                    + String.join(", ", MERGE_MODES.keySet().stream().sorted().toList()));
        }
        JsonNode axis = c.remove("concat_axis");
        String cls = MERGE_MODES.get(mode.textValue());
        if (cls.equals("Concatenate"))
            c.set("axis", axis == null || axis.isNull() ? JsonNodeFactory.instance.numberNode(-1) : axis);
        for (String k : new String[]{ "mode_type", "dot_axes", "output_shape", "output_shape_type", "output_mask", "output_mask_type",
                "arguments" }) {
            JsonNode v = c.remove(k);
            if (v != null && !v.isNull() && !(k.equals("arguments") && v.isEmpty()) && !(k.endsWith("_type") && v.asText().equals("raw"))
                    && !(k.equals("dot_axes") && v.asInt(-1) == -1)) {
                throw new KerasImportException(where + ": Merge option '" + k + "' = " + v + " is not supported");
            }
        }
        return cls;
    }

    private static void checkNotSet(ObjectNode c, String key, String where) {
        JsonNode v = c.get(key);
        if (v != null && !v.isNull() && !(v.isNumber() && v.asInt() == 0)) {
            throw new KerasImportException(
                    where + ": option '" + key + "' = " + v + " is not supported (its weights are stored differently)");
        }
    }

    /**
     * An input declaration {@code {name, batch_shape, dtype}} from a Keras {@code InputLayer} config (Keras 1:
     * batch_input_shape + input_dtype; Keras 2: batch_input_shape + dtype; Keras 3: batch_shape + dtype).
     */
    static ObjectNode input(String name, JsonNode config, String where) {
        for (Iterator<String> it = config.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!INPUT_KEYS.contains(k))
                throw new KerasImportException(where + ": unknown InputLayer option '" + k + "' (value " + config.get(k) + ")");
        }
        for (String flag : new String[]{ "sparse", "ragged", "optional" }) {
            if (config.path(flag).asBoolean(false))
                throw new KerasImportException(where + ": InputLayer option '" + flag + "' = true is not supported");
        }
        if (config.hasNonNull("input_tensor"))
            throw new KerasImportException(where + ": InputLayer option 'input_tensor' is not supported");
        JsonNode shape = config.hasNonNull("batch_shape") ? config.get("batch_shape") : config.get("batch_input_shape");
        if (shape == null || !shape.isArray())
            throw new KerasImportException(where + ": InputLayer has no batch_shape or batch_input_shape");
        JsonNode dtype = config.hasNonNull("dtype") ? config.get("dtype") : config.get("input_dtype");
        return input(name, (ArrayNode) shape, dtypeName(dtype, "float32"));
    }

    static ObjectNode input(String name, ArrayNode batchShape, String dtype) {
        ObjectNode in = JsonNodeFactory.instance.objectNode();
        in.put("name", name);
        in.set("batch_shape", batchShape.deepCopy());
        in.put("dtype", dtype);
        return in;
    }

    /** A dtype as a plain name: Keras 3 writes DTypePolicy objects, old Keras wrote "float". */
    static String dtypeName(JsonNode d, String dflt) {
        if (d == null || d.isNull())
            return dflt;
        String n = d.isObject() ? d.path("config").path("name").asText(dflt) : d.asText(dflt);
        return n.equals("float") ? "float32" : n.equals("int") ? "int32" : n;
    }
}
