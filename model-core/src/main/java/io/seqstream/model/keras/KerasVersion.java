package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.model.config.ModelConfig;

/**
 * The Keras version a file was written by, as far as it is known. It decides how a config is read:
 * Keras 1 key names, and what {@code hard_sigmoid} means (Keras 1/2: clip(0.2x + 0.5, 0, 1); Keras 3:
 * relu6(x + 3) / 6).
 *
 * @param text  the version string from the file ("1.2.2", "2.2.4-tf", "3.15.1"), or "" when absent
 * @param major 1, 2 or 3
 */
record KerasVersion(String text, int major) {
    static KerasVersion of(String text) {
        String t = text.strip();
        int dot = t.indexOf('.');
        String head = dot < 0 ? t : t.substring(0, dot);
        int major;
        try {
            major = Integer.parseInt(head);
        } catch (NumberFormatException e) {
            throw new KerasImportException("unreadable keras_version '" + text + "'");
        }
        if (major < 1 || major > 3)
            throw new KerasImportException("keras_version " + text + " is not supported (Keras 1, 2 or 3)");
        return new KerasVersion(t, major);
    }

    /**
     * The version stated in a file, or else a guess from the config's shape: Keras 3 configs carry
     * {@code module} keys, {@code __keras_tensor__} nodes and {@code batch_shape}; Keras 1 has
     * {@code inner_activation}, or {@code output_dim} where Keras 2 has {@code units}. Only Keras 3 versus
     * older changes the math (hard_sigmoid); Keras 1 key names are translated whatever the version.
     */
    static KerasVersion statedOrGuessed(String stated, JsonNode modelConfig) {
        if (stated != null && !stated.isBlank())
            return of(stated);
        String json = modelConfig.toString();
        if (modelConfig.has("module") || json.contains("\"__keras_tensor__\"") || json.contains("\"batch_shape\"")) {
            return new KerasVersion("", 3);
        }
        if (json.contains("\"inner_activation\"") || (json.contains("\"output_dim\"") && !json.contains("\"units\""))) {
            return new KerasVersion("", 1);
        }
        return new KerasVersion("", 2);
    }

    ModelConfig.Options options() {
        return major >= 3 ? ModelConfig.Options.KERAS3 : ModelConfig.Options.KERAS2;
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "Keras " + major + " (version not stated)" : "Keras " + text;
    }
}
