package io.seqstream.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.model.ops.ActivationFunction;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads typed fields of one layer's config and remembers which ones were read, so that an unknown field
 * is reported by name instead of being silently ignored.
 */
final class ConfigReader {
    /** Keras config keys that only affect initialisation, regularisation or bookkeeping, never inference. */
    private static final Set<String> IGNORABLE = Set.of(
            "trainable", "kernel_initializer", "recurrent_initializer", "bias_initializer", "embeddings_initializer",
            "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "embeddings_regularizer",
            "kernel_constraint", "recurrent_constraint", "bias_constraint", "embeddings_constraint",
            "unit_forget_bias", "implementation", "seed", "input_dim_ordering", "init", "inner_init", "forget_bias_init",
            "W_regularizer", "U_regularizer", "b_regularizer", "W_constraint", "U_constraint", "b_constraint",
            "dropout_W", "dropout_U", "consume_less", "lora_rank", "lora_alpha", "quantization_config", "build_config",
            "zero_output_for_mask", "sparse", "ragged", "input_shape", "use_cudnn", "module", "registered_name");

    private final JsonNode config;
    private final String where;
    private final Set<String> read = new HashSet<>();
    private final ActivationFunction hardSigmoid;

    ConfigReader(JsonNode config, String where, ActivationFunction hardSigmoid) {
        this.config = config;
        this.where = where;
        this.hardSigmoid = hardSigmoid;
    }

    String where() {
        return where;
    }

    boolean has(String key) {
        read.add(key);
        JsonNode v = config.get(key);
        return v != null && !v.isNull();
    }

    JsonNode node(String key) {
        read.add(key);
        return config.get(key);
    }

    int requiredInt(String key) {
        JsonNode v = node(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ConfigException(where + ": field '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    int optInt(String key, int dflt) {
        return has(key) ? requiredInt(key) : dflt;
    }

    double optDouble(String key, double dflt) {
        JsonNode v = node(key);
        if (v == null || v.isNull())
            return dflt;
        if (!v.isNumber())
            throw new ConfigException(where + ": field '" + key + "' must be a number, got " + v);
        return v.doubleValue();
    }

    boolean optBool(String key, boolean dflt) {
        JsonNode v = node(key);
        if (v == null || v.isNull())
            return dflt;
        if (!v.isBoolean())
            throw new ConfigException(where + ": field '" + key + "' must be true or false, got " + v);
        return v.booleanValue();
    }

    String optString(String key, String dflt) {
        JsonNode v = node(key);
        if (v == null || v.isNull())
            return dflt;
        if (!v.isTextual())
            throw new ConfigException(where + ": field '" + key + "' must be a string, got " + v);
        return v.textValue();
    }

    /** Activation by name, or Keras 3's serialized form {@code {"class_name": "function", "config": "tanh"}}. */
    ActivationFunction activation(String key, ActivationFunction dflt) {
        JsonNode v = node(key);
        if (v == null || v.isNull())
            return dflt;
        String name;
        if (v.isTextual())
            name = v.textValue();
        else if (v.isObject() && v.path("config").isTextual())
            name = v.path("config").textValue();
        else
            throw new ConfigException(where + ": field '" + key + "' must name an activation, got " + v);
        if (name.equals("hard_sigmoid"))
            return hardSigmoid;
        try {
            return ActivationFunction.of(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": field '" + key + "': " + e.getMessage());
        }
    }

    /** An int array where JSON null means unknown (-1). */
    int[] shape(String key) {
        JsonNode v = node(key);
        if (v == null || v.isNull())
            return null;
        if (!v.isArray())
            throw new ConfigException(where + ": field '" + key + "' must be a list, got " + v);
        int[] s = new int[v.size()];
        for (int i = 0; i < s.length; i++) {
            JsonNode e = v.get(i);
            if (e.isNull())
                s[i] = -1;
            else if (e.isIntegralNumber())
                s[i] = e.intValue();
            else
                throw new ConfigException(where + ": field '" + key + "' holds a non-integer " + e);
        }
        return s;
    }

    void requireValue(String key, Object allowed, Object actual) {
        if (!allowed.equals(actual)) {
            throw new ConfigException(where + ": field '" + key + "' = " + actual + " is not supported (only " + allowed + ")");
        }
    }

    /** Fails on any field that was neither read nor is known to be irrelevant to the math. */
    void checkNoUnknownFields() {
        Iterator<String> it = config.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!read.contains(k) && !IGNORABLE.contains(k)) {
                throw new ConfigException(where + ": unknown config field '" + k + "' (value " + config.get(k) + ")");
            }
        }
    }
}
