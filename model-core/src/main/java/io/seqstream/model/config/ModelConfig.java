package io.seqstream.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Input;
import io.seqstream.model.KerasTensor;
import io.seqstream.model.Model;
import io.seqstream.model.Sequential;
import io.seqstream.model.layers.Activation;
import io.seqstream.model.layers.Concatenate;
import io.seqstream.model.layers.Dense;
import io.seqstream.model.layers.Dropout;
import io.seqstream.model.layers.Embedding;
import io.seqstream.model.layers.Flatten;
import io.seqstream.model.layers.GRU;
import io.seqstream.model.layers.GRUCell;
import io.seqstream.model.layers.InputLayer;
import io.seqstream.model.layers.IntegerLookup;
import io.seqstream.model.layers.LSTM;
import io.seqstream.model.layers.LSTMCell;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.Masking;
import io.seqstream.model.layers.Merge;
import io.seqstream.model.layers.Normalization;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.layers.RecurrentCell;
import io.seqstream.model.layers.SimpleRNN;
import io.seqstream.model.layers.SimpleRNNCell;
import io.seqstream.model.layers.StringLookup;
import io.seqstream.model.layers.Weight;
import io.seqstream.model.ops.ActivationFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model architecture as JSON, in the shape of a Keras config: {@code kind} (sequential|functional),
 * {@code inputs} (name, batch_shape, dtype), {@code layers} (class_name, name, config, weight_names and,
 * for functional models, {@code inbound}: per call the input tensors as [layer, node, index]) and
 * {@code outputs}. It is the format of the golden files and of the seqstream model file.
 */
public final class ModelConfig {
    /** How to read a config: Keras' version decides what {@code hard_sigmoid} means. */
    public record Options(ActivationFunction hardSigmoid) {
        public static final Options KERAS2 = new Options(ActivationFunction.HARD_SIGMOID);
        public static final Options KERAS3 = new Options(ActivationFunction.HARD_SIGMOID_KERAS3);
    }

    private ModelConfig() {
    }

    /** Builds a model (weights zero) from a {@code model} section; errors name {@code source}. */
    public static Model fromJson(JsonNode model, String source, Options opts) {
        String kind = text(model, "kind", source + ": model");
        String name = model.path("name").asText("model");
        JsonNode layers = model.get("layers");
        if (layers == null || !layers.isArray())
            throw new ConfigException(source + ": model: field 'layers' must be a list");
        return switch (kind) {
            case "sequential" -> sequential(name, model, layers, source, opts);
            case "functional" -> functional(name, model, layers, source, opts);
            default -> throw new ConfigException(source + ": model: field 'kind' = '" + kind + "' is not sequential or functional");
        };
    }

    public static Model fromJson(JsonNode model, String source) {
        return fromJson(model, source, Options.KERAS2);
    }

    private static Model sequential(String name, JsonNode model, JsonNode layers, String source, Options opts) {
        Sequential seq = new Sequential(name);
        JsonNode inputs = model.get("inputs");
        if (inputs != null && inputs.size() > 0) {
            if (inputs.size() != 1)
                throw new ConfigException(source + ": a sequential model has one input, got " + inputs.size());
            JsonNode in = inputs.get(0);
            seq.input(in.path("name").asText("input_layer"), shapeOf(in, "batch_shape", source + ": input"), inputDtype(in, source));
        }
        for (JsonNode l : layers) {
            String cls = text(l, "class_name", source + ": layer");
            if (cls.equals("InputLayer"))
                continue;
            seq.add(layerFromConfig(cls, l.path("config"), l.path("name").asText(null), source, opts));
        }
        return seq;
    }

    private record NodeKey(String layer, int node) {
    }

    private static Model functional(String name, JsonNode model, JsonNode layers, String source, Options opts) {
        Map<NodeKey, List<KerasTensor>> produced = new HashMap<>();
        Map<String, KerasTensor> inputsByName = new HashMap<>();
        List<Pending> pending = new ArrayList<>();
        for (JsonNode l : layers) {
            String cls = text(l, "class_name", source + ": layer");
            String lname = l.path("name").asText(l.path("config").path("name").asText(null));
            if (cls.equals("InputLayer")) {
                KerasTensor t = inputFromConfig(lname, l.path("config"), source);
                produced.put(new NodeKey(lname, 0), List.of(t));
                inputsByName.put(lname, t);
                continue;
            }
            Layer layer = layerFromConfig(cls, l.path("config"), lname, source, opts);
            JsonNode inbound = l.get("inbound");
            if (inbound == null || !inbound.isArray() || inbound.isEmpty()) {
                throw new ConfigException(source + ": layer '" + lname + "': field 'inbound' must list at least one call");
            }
            for (int i = 0; i < inbound.size(); i++)
                pending.add(new Pending(layer, i, inbound.get(i)));
        }
        // Resolve calls as their inputs become available (a shared layer's later call may come after others).
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext();) {
                Pending p = it.next();
                if (p.layer.inboundNodes().size() != p.nodeIndex)
                    continue;
                List<KerasTensor> args = new ArrayList<>();
                boolean ready = true;
                for (JsonNode ref : p.refs) {
                    Ref r = ref(ref, source, p.layer.name());
                    List<KerasTensor> outs = produced.get(new NodeKey(r.layer, r.node));
                    if (outs == null) {
                        ready = false;
                        break;
                    }
                    if (r.index >= outs.size()) {
                        throw new ConfigException(source + ": layer '" + p.layer.name() + "': input " + ref + " refers to output "
                                + r.index + " but '" + r.layer + "' has " + outs.size());
                    }
                    args.add(outs.get(r.index));
                }
                if (!ready)
                    continue;
                List<KerasTensor> outs;
                try {
                    outs = p.layer.applyAll(args.toArray(KerasTensor[]::new));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(source + ": " + e.getMessage(), e);
                }
                produced.put(new NodeKey(p.layer.name(), p.nodeIndex), outs);
                it.remove();
                progress = true;
            }
        }
        if (!pending.isEmpty()) {
            Pending p = pending.get(0);
            throw new ConfigException(source + ": layer '" + p.layer.name() + "' call " + p.nodeIndex + " has inputs " + p.refs
                    + " that no layer produces");
        }
        List<KerasTensor> ins = new ArrayList<>();
        for (JsonNode in : model.path("inputs")) {
            String n = in.isTextual() ? in.textValue() : in.isArray() ? in.get(0).asText() : in.path("name").asText();
            KerasTensor t = inputsByName.get(n);
            if (t == null) {
                t = inputFromConfig(n, in, source);
                inputsByName.put(n, t);
                produced.put(new NodeKey(n, 0), List.of(t));
            }
            ins.add(t);
        }
        if (ins.isEmpty())
            throw new ConfigException(source + ": functional model lists no 'inputs'");
        List<KerasTensor> outs = new ArrayList<>();
        for (JsonNode o : model.path("outputs")) {
            Ref r = ref(o, source, "outputs");
            List<KerasTensor> t = produced.get(new NodeKey(r.layer, r.node));
            if (t == null || r.index >= t.size())
                throw new ConfigException(source + ": model output " + o + " is not produced by any layer");
            outs.add(t.get(r.index));
        }
        if (outs.isEmpty())
            throw new ConfigException(source + ": functional model lists no 'outputs'");
        try {
            return new Model(name, ins, outs);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    private record Pending(Layer layer, int nodeIndex, JsonNode refs) {
    }

    private record Ref(String layer, int node, int index) {
    }

    private static Ref ref(JsonNode r, String source, String where) {
        if (!r.isArray() || r.size() < 3 || !r.get(0).isTextual() || !r.get(1).isInt() || !r.get(2).isInt()) {
            throw new ConfigException(
                    source + ": " + where + ": tensor reference " + r + " must be [layer_name, node_index, tensor_index]");
        }
        return new Ref(r.get(0).textValue(), r.get(1).intValue(), r.get(2).intValue());
    }

    private static KerasTensor inputFromConfig(String name, JsonNode cfg, String source) {
        int[] shape = shapeOf(cfg, "batch_shape", source + ": input '" + name + "'");
        return Input.create(name, shape, inputDtype(cfg, source));
    }

    private static int[] shapeOf(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null)
            v = n.get("batch_input_shape");
        if (v == null || !v.isArray())
            throw new ConfigException(where + ": field '" + key + "' (or batch_input_shape) is missing");
        int[] s = new int[v.size()];
        for (int i = 0; i < s.length; i++)
            s[i] = v.get(i).isNull() ? -1 : v.get(i).intValue();
        return s;
    }

    /** An input's dtype as int32, float32 or string. */
    private static String inputDtype(JsonNode n, String source) {
        String dtype = dtypeName(n.get("dtype"));
        if (dtype == null)
            return "float32";
        return switch (dtype) {
            case "int32", "int64", "int16", "int8", "uint8" -> "int32";
            case "float32", "float64", "float16" -> "float32";
            case "string" -> "string";
            default -> throw new ConfigException(source + ": field 'dtype' = '" + dtype + "' is not supported (int32, float32 or string)");
        };
    }

    private static String dtypeName(JsonNode d) {
        if (d == null || d.isNull())
            return null;
        if (d.isTextual())
            return d.textValue();
        if (d.isObject())
            return d.path("config").path("name").asText(null);
        return d.toString();
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual())
            throw new ConfigException(where + ": field '" + key + "' must be a string, got " + v);
        return v.textValue();
    }

    /** One layer from Keras' {@code class_name} and {@code config}. */
    public static Layer layerFromConfig(String cls, JsonNode config, String name, String source, Options opts) {
        String lname = name != null ? name : config.path("name").asText(null);
        String where = source + ": layer '" + lname + "' (" + cls + ")";
        ConfigReader r = new ConfigReader(config, where, opts.hardSigmoid());
        Layer layer;
        try {
            layer = switch (cls) {
                case "Dense" ->
                    common(Dense.builder(r.requiredInt("units")).activation(r.activation("activation", ActivationFunction.LINEAR))
                            .useBias(r.optBool("use_bias", true)), r, lname).build();
                case "Activation" -> common(io.seqstream.model.layers.Activation.builder(
                        r.activation("activation", ActivationFunction.LINEAR).kerasName()), r, lname).build();
                case "Flatten" -> {
                    r.requireValue("data_format", "channels_last", r.optString("data_format", "channels_last"));
                    yield common(Flatten.builder(), r, lname).build();
                }
                case "Dropout" -> {
                    Dropout.Builder b = Dropout.builder(r.optDouble("rate", r.optDouble("p", 0)));
                    int[] ns = r.shape("noise_shape");
                    if (ns != null)
                        b.noiseShape(ns);
                    if (r.has("seed") && r.node("seed").isIntegralNumber())
                        b.seed(r.node("seed").longValue());
                    yield common(b, r, lname).build();
                }
                case "Embedding" -> {
                    Embedding.Builder b = Embedding.builder(r.requiredInt("input_dim"), r.requiredInt("output_dim"));
                    if (r.has("input_length"))
                        b.inputLength(r.requiredInt("input_length"));
                    b.maskZero(r.optBool("mask_zero", false));
                    yield common(b, r, lname).intInput(true).build();
                }
                case "LSTM" -> rnnFlags(
                        LSTM.builder(r.requiredInt("units")).activation(r.activation("activation", ActivationFunction.TANH).kerasName())
                                .recurrentActivation(r.activation("recurrent_activation", ActivationFunction.SIGMOID).kerasName())
                                .useBias(r.optBool("use_bias", true)),
                        r, lname).build();
                case "GRU" ->
                    rnnFlags(GRU.builder(r.requiredInt("units")).activation(r.activation("activation", ActivationFunction.TANH).kerasName())
                            .recurrentActivation(r.activation("recurrent_activation", ActivationFunction.SIGMOID))
                            .useBias(r.optBool("use_bias", true)).resetAfter(r.optBool("reset_after", true)), r, lname).build();
                case "Normalization" -> normalization(r, lname);
                case "StringLookup" -> {
                    lookupOptions(r, "[UNK]");
                    StringLookup.Builder b = StringLookup.builder(strings(r, "vocabulary")).numOovIndices(r.optInt("num_oov_indices", 1))
                            .oovToken(r.optString("oov_token", "[UNK]"));
                    String mask = r.optString("mask_token", null);
                    if (mask != null)
                        b.maskToken(mask);
                    r.requireValue("encoding", "utf-8", r.optString("encoding", "utf-8"));
                    yield common(b, r, lname).build();
                }
                case "IntegerLookup" -> {
                    lookupOptions(r, null);
                    IntegerLookup.Builder b = IntegerLookup.builder(longs(r, "vocabulary")).numOovIndices(r.optInt("num_oov_indices", 1));
                    if (r.has("oov_token"))
                        b.oovToken(r.node("oov_token").asLong());
                    if (r.has("mask_token"))
                        b.maskToken(r.node("mask_token").asLong());
                    yield common(b, r, lname).build();
                }
                case "Masking" -> common(Masking.builder(r.optDouble("mask_value", 0.0)), r, lname).build();
                case "SimpleRNN" -> rnnFlags(SimpleRNN.builder(r.requiredInt("units"))
                        .activation(r.activation("activation", ActivationFunction.TANH).kerasName())
                        .useBias(r.optBool("use_bias", true)), r, lname).build();
                case "RNN" -> rnnFlags(RNN.builder(cell(r.node("cell"), where, opts)), r, lname).build();
                case "Concatenate" -> common(Concatenate.builder().axis(r.optInt("axis", -1)), r, lname).build();
                default -> {
                    Optional<Merge.Op> op = Merge.Op.ofKerasName(cls);
                    if (op.isEmpty()) {
                        throw new ConfigException(where + ": unsupported layer class '" + cls + "'; supported: Dense, Activation, Flatten, "
                                + "Dropout, Embedding, Masking, Normalization, StringLookup, IntegerLookup, LSTM, GRU, SimpleRNN, RNN, Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, InputLayer");
                    }
                    yield common(Merge.builder(op.get()), r, lname).build();
                }
            };
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage(), e);
        }
        r.checkNoUnknownFields();
        return layer;
    }

    private static Layer normalization(ConfigReader r, String lname) {
        JsonNode axis = r.node("axis");
        boolean last = axis == null || axis.isNull() || (axis.isInt() && axis.intValue() == -1)
                || (axis.isArray() && axis.size() == 1 && axis.get(0).intValue() == -1);
        if (!last)
            throw new ConfigException(r.where() + ": option 'axis' = " + axis + " is not supported (only -1, the feature axis)");
        r.requireValue("invert", false, r.optBool("invert", false));
        Normalization.Builder b = Normalization.builder();
        JsonNode mean = r.node("mean"), variance = r.node("variance");
        if (mean != null && !mean.isNull())
            b.statistics(floats(mean, r.where() + ": mean"), floats(variance, r.where() + ": variance"));
        return common(b, r, lname).build();
    }

    private static float[] floats(JsonNode n, String where) {
        if (n != null && n.isNumber())
            return new float[]{ n.floatValue() };
        if (n == null || !n.isArray())
            throw new ConfigException(where + " must be a number or a list of numbers, got " + n);
        float[] f = new float[n.size()];
        for (int i = 0; i < f.length; i++)
            f[i] = n.get(i).floatValue();
        return f;
    }

    /** Lookup options that must keep their index-output defaults. */
    private static void lookupOptions(ConfigReader r, String dflt) {
        r.requireValue("invert", false, r.optBool("invert", false));
        r.requireValue("output_mode", "int", r.optString("output_mode", "int"));
        r.requireValue("sparse", false, r.optBool("sparse", false));
        r.requireValue("pad_to_max_tokens", false, r.optBool("pad_to_max_tokens", false));
        JsonNode idf = r.node("idf_weights");
        if (idf != null && !idf.isNull())
            throw new ConfigException(r.where() + ": option 'idf_weights' is not supported (output_mode int only)");
        r.node("max_tokens");
        r.node("vocabulary_size");
        r.node("oov_method");
        r.node("salt");
        r.node("vocabulary_dtype");
    }

    private static List<String> strings(ConfigReader r, String key) {
        JsonNode v = r.node(key);
        if (v == null || !v.isArray()) {
            throw new ConfigException(
                    r.where() + ": option '" + key + "' = " + v + " is not supported: the vocabulary must be in the config"
                            + " (an adapted vocabulary kept in the file's assets is not read)");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v)
            out.add(e.asText());
        return out;
    }

    private static List<Long> longs(ConfigReader r, String key) {
        JsonNode v = r.node(key);
        if (v == null || !v.isArray()) {
            throw new ConfigException(
                    r.where() + ": option '" + key + "' = " + v + " is not supported: the vocabulary must be in the config");
        }
        List<Long> out = new ArrayList<>();
        for (JsonNode e : v)
            out.add(e.asLong());
        return out;
    }

    private static RecurrentCell cell(JsonNode cell, String where, Options opts) {
        if (cell == null || !cell.isObject())
            throw new ConfigException(where + ": field 'cell' must be {class_name, config}");
        String cls = cell.path("class_name").asText();
        ConfigReader r = new ConfigReader(cell.path("config"), where + " cell " + cls, opts.hardSigmoid());
        r.optString("name", "");
        r.node("dtype");
        RecurrentCell c = switch (cls) {
            case "LSTMCell" -> new LSTMCell(r.requiredInt("units"), r.activation("activation", ActivationFunction.TANH),
                    r.activation("recurrent_activation", ActivationFunction.SIGMOID), r.optBool("use_bias", true));
            case "GRUCell" -> new GRUCell(r.requiredInt("units"), r.activation("activation", ActivationFunction.TANH),
                    r.activation("recurrent_activation", ActivationFunction.SIGMOID), r.optBool("use_bias", true),
                    r.optBool("reset_after", true));
            case "SimpleRNNCell" -> new SimpleRNNCell(r.requiredInt("units"), r.activation("activation", ActivationFunction.TANH),
                    r.optBool("use_bias", true));
            default ->
                throw new ConfigException(where + ": unsupported cell class '" + cls + "'; supported: LSTMCell, GRUCell, SimpleRNNCell");
        };
        r.optDouble("dropout", 0);
        r.optDouble("recurrent_dropout", 0);
        r.checkNoUnknownFields();
        return c;
    }

    private static <B extends Layer.Builder<B>> B common(B b, ConfigReader r, String name) {
        r.optString("name", null);
        if (name != null)
            b.name(name);
        b.trainable(r.optBool("trainable", true));
        String dtype = dtypeName(r.node("dtype"));
        if (dtype != null && !dtype.equals("float32") && !dtype.equals("int32") && !dtype.equals("int64")) {
            throw new ConfigException(r.where() + ": field 'dtype' = '" + dtype + "' is not supported (float32)");
        }
        int[] bis = r.shape("batch_input_shape");
        if (bis == null)
            bis = r.shape("batch_shape");
        if (bis != null)
            b.batchInputShape(bis);
        return b;
    }

    private static <B extends RNN.Builder<B>> B rnnFlags(B b, ConfigReader r, String name) {
        common(b, r, name);
        b.returnSequences(r.optBool("return_sequences", false))
                .returnState(r.optBool("return_state", false))
                .goBackwards(r.optBool("go_backwards", false))
                .stateful(r.optBool("stateful", false))
                .unroll(r.optBool("unroll", false));
        // Dropout inside RNNs only acts in training; inference is unaffected. Kept out of fit for now.
        double d = r.optDouble("dropout", 0), rd = r.optDouble("recurrent_dropout", 0);
        if (d < 0 || d >= 1 || rd < 0 || rd >= 1)
            throw new ConfigException(r.where() + ": dropout rates must be in [0, 1)");
        r.requireValue("time_major", false, r.optBool("time_major", false));
        // Masked steps repeat the previous output (Keras' default); zeroed outputs are not implemented.
        r.requireValue("zero_output_for_mask", false, r.optBool("zero_output_for_mask", false));
        return b;
    }

    // ------------------------------------------------------------------ writing

    /** The architecture of a model in this format (weights not included). */
    public static ObjectNode toJson(Model m) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        boolean seq = m instanceof Sequential;
        root.put("kind", seq ? "sequential" : "functional");
        root.put("name", m.name());
        ArrayNode inputs = root.putArray("inputs");
        for (KerasTensor in : m.inputs()) {
            InputLayer il = (InputLayer) in.node().layer();
            ObjectNode o = inputs.addObject();
            o.put("name", il.name());
            ArrayNode bs = o.putArray("batch_shape");
            for (int d : il.batchShape()) {
                if (d < 0)
                    bs.addNull();
                else
                    bs.add(d);
            }
            o.put("dtype", il.dtype());
        }
        ArrayNode layers = root.putArray("layers");
        if (!seq) {
            for (KerasTensor in : m.inputs()) {
                ObjectNode o = layers.addObject();
                o.put("class_name", "InputLayer");
                o.put("name", in.node().layer().name());
                o.set("config", in.node().layer().getConfig());
            }
        }
        for (Layer l : m.layers()) {
            ObjectNode o = layers.addObject();
            o.put("class_name", l.className());
            o.put("name", l.name());
            ObjectNode cfg = l.getConfig();
            if (seq) {
                cfg.remove("batch_input_shape");
                cfg.remove("dtype");
            }
            o.set("config", cfg);
            ArrayNode wn = o.putArray("weight_names");
            for (Weight w : l.weights())
                wn.add(l.name() + "/" + w.name());
            if (!seq) {
                ArrayNode inbound = o.putArray("inbound");
                for (KerasTensor.Node n : l.inboundNodes()) {
                    if (!m.nodes().contains(n))
                        continue;
                    ArrayNode call = inbound.addArray();
                    for (KerasTensor t : n.inputs())
                        call.addArray().add(t.node().layer().name()).add(t.node().nodeIndex()).add(t.index());
                }
            }
        }
        ArrayNode outs = root.putArray("outputs");
        for (KerasTensor o : m.outputs())
            outs.addArray().add(o.node().layer().name()).add(o.node().nodeIndex()).add(o.index());
        return root;
    }
}
