package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites a Keras model config ({@code {class_name, config}} as in the {@code model_config} attribute of
 * an HDF5 file or a {@code .keras} zip's {@code config.json}) into ModelConfig's format. Handles
 * Sequential configs as a bare layer list (Keras 1/2) or {@code {name, layers}}, and functional ones
 * ({@code Model} in Keras 1/2, {@code Functional} in tf.keras and Keras 3).
 *
 * <p>A fixed batch size in an input shape is kept only when some layer is stateful: elsewhere it is an
 * artefact of how the model was built and would only stop predict from taking other batch sizes.
 */
final class KerasModelConfig {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private KerasModelConfig() {
    }

    static ConvertedConfig convert(JsonNode keras, KerasVersion version, String source) {
        if (keras == null || !keras.isObject() || !keras.has("class_name")) {
            throw new KerasImportException(source + ": the model config is not a Keras model ({class_name, config} expected)");
        }
        String cls = keras.get("class_name").asText();
        JsonNode config = keras.path("config");
        ConvertedConfig c = switch (cls) {
            case "Sequential" -> sequential(keras, config, version, source);
            case "Model", "Functional" -> functional(config, version, source);
            default ->
                throw new KerasImportException(source + ": model class '" + cls + "' is not supported (Sequential or functional Model)");
        };
        if (!isStateful(c.model()))
            relaxBatch(c.model());
        return c;
    }

    private static ConvertedConfig sequential(JsonNode keras, JsonNode config, KerasVersion version, String source) {
        JsonNode layers = config.isArray() ? config : config.path("layers");
        if (!layers.isArray() || layers.isEmpty())
            throw new KerasImportException(source + ": the Sequential model has no layers");
        ObjectNode model = F.objectNode();
        model.put("kind", "sequential");
        model.put("name", config.path("name").asText("sequential"));
        ArrayNode out = model.putArray("layers");
        List<KerasLayerRef> refs = new ArrayList<>();
        ObjectNode input = null;
        for (JsonNode l : layers) {
            String cls = l.path("class_name").asText();
            JsonNode lc = l.path("config");
            String name = l.path("name").asText(lc.path("name").asText(cls.toLowerCase() + "_" + refs.size()));
            String where = source + ": layer '" + name + "' (" + cls + ")";
            refs.add(new KerasLayerRef(cls, name));
            if (cls.equals("InputLayer")) {
                if (refs.size() != 1)
                    throw new KerasImportException(where + ": an InputLayer must come first in a Sequential model");
                input = KerasLayerConfig.input(name, lc, where);
                continue;
            }
            if (input == null)
                input = inputOfFirstLayer(cls, name, lc, keras, config, where);
            KerasLayerConfig.Translated t = KerasLayerConfig.translate(cls, lc, version, where);
            ObjectNode o = out.addObject();
            o.put("class_name", t.className());
            o.put("name", name);
            o.set("config", t.config());
        }
        if (out.isEmpty())
            throw new KerasImportException(source + ": the Sequential model has no layers besides its input");
        model.putArray("inputs").add(input);
        return new ConvertedConfig(model, List.copyOf(refs), true);
    }

    /** A Sequential without InputLayer: the first layer's batch_input_shape, else the model's build shape. */
    private static ObjectNode inputOfFirstLayer(String cls, String name, JsonNode lc, JsonNode keras, JsonNode config, String where) {
        JsonNode shape = lc.hasNonNull("batch_input_shape") ? lc.get("batch_input_shape") : lc.get("batch_shape");
        if (shape == null || shape.isNull())
            shape = config.get("build_input_shape");
        if (shape == null || shape.isNull())
            shape = keras.path("build_config").get("input_shape");
        if (shape == null || !shape.isArray()) {
            throw new KerasImportException(where + ": the config does not give the model's input shape "
                    + "(no InputLayer, batch_input_shape or build_input_shape)");
        }
        String dtype = cls.equals("Embedding") ? "int32" : KerasLayerConfig.dtypeName(lc.get("input_dtype"), "float32");
        return KerasLayerConfig.input(name + "_input", (ArrayNode) shape, dtype);
    }

    private static ConvertedConfig functional(JsonNode config, KerasVersion version, String source) {
        JsonNode layers = config.path("layers");
        if (!layers.isArray() || layers.isEmpty())
            throw new KerasImportException(source + ": the functional model has no layers");
        ObjectNode model = F.objectNode();
        model.put("kind", "functional");
        model.put("name", config.path("name").asText("model"));
        ArrayNode out = model.putArray("layers");
        List<KerasLayerRef> refs = new ArrayList<>();
        for (JsonNode l : layers) {
            String cls = l.path("class_name").asText();
            JsonNode lc = l.path("config");
            String name = l.path("name").asText(lc.path("name").asText(""));
            String where = source + ": layer '" + name + "' (" + cls + ")";
            if (name.isEmpty())
                throw new KerasImportException(where + ": a functional layer needs a name");
            refs.add(new KerasLayerRef(cls, name));
            ObjectNode o = out.addObject();
            o.put("class_name", cls);
            o.put("name", name);
            if (cls.equals("InputLayer")) {
                o.set("config", KerasLayerConfig.input(name, lc, where));
                continue;
            }
            KerasLayerConfig.Translated t = KerasLayerConfig.translate(cls, lc, version, where);
            o.put("class_name", t.className());
            o.set("config", t.config());
            o.set("inbound", InboundNodes.toInbound(l.get("inbound_nodes"), where));
        }
        model.set("inputs", refList(config.get("input_layers"), source + ": input_layers"));
        model.set("outputs", refList(config.get("output_layers"), source + ": output_layers"));
        return new ConvertedConfig(model, List.copyOf(refs), false);
    }

    /** {@code [[name, node, index], ...]}; Keras 3 writes a single reference unwrapped. */
    private static ArrayNode refList(JsonNode refs, String where) {
        if (refs == null || !refs.isArray() || refs.isEmpty())
            throw new KerasImportException(where + " is missing or empty");
        ArrayNode out = F.arrayNode();
        if (refs.get(0).isTextual()) {
            out.add(refs.deepCopy());
        } else {
            for (JsonNode r : refs)
                out.add(r.deepCopy());
        }
        return out;
    }

    private static boolean isStateful(ObjectNode model) {
        for (JsonNode l : model.path("layers")) {
            if (l.path("config").path("stateful").asBoolean(false))
                return true;
        }
        return false;
    }

    private static void relaxBatch(ObjectNode model) {
        for (JsonNode in : model.path("inputs")) {
            if (in.path("batch_shape").isArray())
                ((ArrayNode) in.get("batch_shape")).set(0, F.nullNode());
        }
        for (JsonNode l : model.path("layers")) {
            JsonNode shape = l.path("config").path("batch_shape");
            if (l.path("class_name").asText().equals("InputLayer") && shape.isArray())
                ((ArrayNode) shape).set(0, F.nullNode());
        }
    }
}
