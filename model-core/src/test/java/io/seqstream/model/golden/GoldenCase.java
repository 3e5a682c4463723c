package io.seqstream.model.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.model.Model;
import io.seqstream.model.Tensor;
import io.seqstream.model.config.ConfigException;
import io.seqstream.model.config.ModelConfig;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.RNN;
import io.seqstream.model.train.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One golden file: the model it describes, its weights, inputs, calls and training steps. */
final class GoldenCase {
    final Path file;
    final String source;
    final JsonNode root;

    GoldenCase(Path file) throws IOException {
        this.file = file;
        this.source = file.getFileName().toString();
        this.root = new ObjectMapper().readTree(file.toFile());
        int version = root.path("format_version").asInt(-1);
        if (version != 1)
            throw new ConfigException(source + ": field 'format_version' = " + root.get("format_version") + " is not supported (1)");
    }

    JsonNode field(JsonNode parent, String key, String where) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull())
            throw new ConfigException(source + ": " + where + ": field '" + key + "' is missing");
        return v;
    }

    Tensor tensor(JsonNode t, String where) {
        JsonNode shape = field(t, "shape", where);
        JsonNode data = field(t, "data", where);
        int[] s = new int[shape.size()];
        for (int i = 0; i < s.length; i++)
            s[i] = shape.get(i).intValue();
        float[] d = new float[data.size()];
        for (int i = 0; i < d.length; i++)
            d[i] = data.get(i).floatValue();
        if (Tensor.size(s) != d.length) {
            throw new ConfigException(source + ": " + where + ": shape " + shape + " does not match " + d.length + " values");
        }
        return Tensor.wrap(d, s);
    }

    /** Builds the model and sets the file's initial weights. */
    Model buildModel() {
        JsonNode m = field(root, "model", "top level");
        Model model = ModelConfig.fromJson(m, source);
        setWeights(model, field(root, "weights", "top level"));
        return model;
    }

    void setWeights(Model model, JsonNode weights) {
        for (JsonNode l : field(root, "model", "top level").get("layers")) {
            String cls = l.path("class_name").asText();
            if (cls.equals("InputLayer"))
                continue;
            Layer layer = model.getLayer(l.path("name").asText());
            List<Tensor> ws = new ArrayList<>();
            for (JsonNode wn : l.path("weight_names")) {
                JsonNode w = weights.get(wn.asText());
                if (w == null)
                    throw new ConfigException(source + ": weights: no entry '" + wn.asText() + "' for layer '" + layer.name() + "'");
                ws.add(tensor(w, "weights['" + wn.asText() + "']"));
            }
            try {
                layer.setWeights(ws);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source + ": " + e.getMessage(), e);
            }
        }
    }

    List<Tensor> inputs(JsonNode indexes) {
        JsonNode all = field(root, "inputs", "top level");
        List<Tensor> xs = new ArrayList<>();
        for (JsonNode i : indexes) {
            if (!i.isInt() || i.intValue() < 0 || i.intValue() >= all.size()) {
                throw new ConfigException(source + ": input index " + i + " is outside the " + all.size() + " inputs");
            }
            xs.add(tensor(all.get(i.intValue()), "inputs[" + i + "]"));
        }
        return xs;
    }

    /** A layer state named {@code layer/h} or {@code layer/c}. */
    static Tensor state(Model model, String name, String source) {
        int slash = name.lastIndexOf('/');
        if (slash < 0)
            throw new ConfigException(source + ": state name '" + name + "' is not layer/state");
        Layer layer = model.getLayer(name.substring(0, slash));
        if (!(layer instanceof RNN rnn))
            throw new ConfigException(source + ": state '" + name + "' names a layer that is not recurrent");
        String[] names = rnn.cell().stateNames();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name.substring(slash + 1)))
                return rnn.getStates().get(i);
        }
        throw new ConfigException(source + ": state '" + name + "' is not one of " + List.of(names));
    }

    static Optimizer optimizer(JsonNode opt, String source) {
        String cls = opt.path("class_name").asText();
        JsonNode c = opt.path("config");
        double lr = c.path("learning_rate").asDouble(Double.NaN);
        String rule = opt.path("update_rule_id").asText("");
        return switch (cls) {
            case "Adam" -> {
                if (rule.equals("adam_tfjs"))
                    throw new ConfigException(source + ": training: update_rule_id 'adam_tfjs' is not Keras' Adam");
                if (c.path("amsgrad").asBoolean(false))
                    throw new ConfigException(source + ": training: optimizer field 'amsgrad' = true is not supported");
                yield new Optimizer.Adam(nz(lr, 0.001), c.path("beta_1").asDouble(0.9), c.path("beta_2").asDouble(0.999),
                        c.path("epsilon").asDouble(1e-7));
            }
            case "SGD" -> new Optimizer.SGD(nz(lr, 0.01), c.path("momentum").asDouble(0), c.path("nesterov").asBoolean(false));
            case "RMSprop" -> new Optimizer.RMSprop(nz(lr, 0.001), c.path("rho").asDouble(0.9), c.path("epsilon").asDouble(1e-7));
            default ->
                throw new ConfigException(source + ": training: optimizer field 'class_name' = '" + cls + "' is not adam, sgd or rmsprop");
        };
    }

    private static double nz(double v, double dflt) {
        return Double.isNaN(v) ? dflt : v;
    }
}
