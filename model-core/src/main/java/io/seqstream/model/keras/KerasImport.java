package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.seqstream.model.Model;
import io.seqstream.model.Provenance;
import io.seqstream.model.config.ConfigException;
import io.seqstream.model.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Imports Keras models (Keras 1, 2 and 3) into model-core, reading HDF5 with jhdf.
 *
 * <ul>
 *   <li>{@link #load(Path)}: a full-model HDF5 file (Keras 1/2, tf.keras, Keras 3 legacy {@code .h5}:
 *       {@code model_config} attribute + {@code model_weights}) or a Keras 3 {@code .keras} zip;</li>
 *   <li>{@link #load(Path, Path)}: a model config JSON ({@code model.to_json()}, or a {@code config.json})
 *       with a weights file ({@code save_weights} HDF5, a full-model HDF5, or a Keras 3 {@code model.weights.h5}).</li>
 * </ul>
 * The model keeps return_sequences, return_state, go_backwards and stateful as configured, and its
 * provenance names the source file. Every failure is a {@link KerasImportException} naming the file and,
 * where it applies, the layer, its class and the option.
 */
public final class KerasImport {
    private KerasImport() {
    }

    /** A full-model Keras file: HDF5 ({@code .h5}, Keras 1/2/3) or a Keras 3 {@code .keras} zip. */
    public static Model load(Path file) {
        return switch (KerasFileKind.of(file)) {
            case HDF5 -> loadHdf5(file);
            case ZIP -> loadArchive(file);
            case JSON -> throw new KerasImportException(file + ": a model config holds no weights; give the weights file too "
                    + "(KerasImport.load(config, weights); model import CONFIG --weights W.h5)");
            case OTHER -> throw new KerasImportException(file + ": not a Keras model file (expected HDF5 .h5 or a .keras zip)");
        };
    }

    /** A Keras model config JSON and the HDF5 file holding its weights. */
    public static Model load(Path configJson, Path weights) {
        String source = configJson.toString();
        if (KerasFileKind.of(configJson) != KerasFileKind.JSON) {
            throw new KerasImportException(configJson + ": not a JSON model config");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(configJson.toFile());
        } catch (IOException e) {
            throw new KerasImportException(configJson + ": not valid JSON: " + e.getMessage(), e);
        }
        if (KerasFileKind.of(weights) != KerasFileKind.HDF5)
            throw new KerasImportException(weights + ": not an HDF5 weights file");
        try (HdfFile h5 = Hdf5.open(weights)) {
            Optional<String> stated = text(root, "keras_version").or(() -> versionAttr(h5));
            KerasVersion version = KerasVersion.statedOrGuessed(stated.orElse(""), root);
            ConvertedConfig config = KerasModelConfig.convert(root, version, source);
            Model model = build(config, version, source);
            // A weights-only file has its layer groups at the root; a full-model file under model_weights.
            Group weightRoot = Hdf5.childGroup(h5, "model_weights").orElse(h5);
            setWeights(model, config, weightRoot, weights.toString());
            Optional<String> backend = text(root, "backend").or(() -> Hdf5.string(h5, "backend"));
            Map<String, String> props = provenance(configJson, "keras-config+hdf5-weights", version, backend);
            props.put("weights_file", weights.toAbsolutePath().toString());
            String description = describe(version, configJson) + " with weights " + weights.getFileName();
            model.setProvenance(new Provenance(description, Instant.now(), Map.of(), props));
            return model;
        } catch (RuntimeException e) {
            throw Hdf5.rethrow(weights.toString(), e);
        }
    }

    /**
     * A copy with the same weights that runs one time step per call: recurrent layers stateful, batch size
     * 1, the time axis of sequence inputs open. Fails for layers that cannot run step by step (go_backwards,
     * Flatten over time). Call {@link Model#resetStates()} between sequences.
     */
    public static Model toStreaming(Model model) {
        return StreamingCopy.of(model);
    }

    private static Model loadHdf5(Path file) {
        String source = file.toString();
        try (HdfFile h5 = Hdf5.open(file)) {
            Optional<String> configText = Hdf5.string(h5, "model_config");
            if (configText.isEmpty()) {
                String why = LegacyWeights.isLegacyRoot(h5) || Keras3Weights.isKeras3Root(h5)
                        ? "it holds weights only (no model_config attribute): give its model config JSON too "
                                + "(KerasImport.load(config, weights); model import CONFIG --weights " + file.getFileName() + ")"
                        : "it has no model_config attribute: not a Keras model file";
                throw new KerasImportException(source + ": " + why);
            }
            JsonNode root = parseJson(configText.get(), source + ": attribute model_config");
            KerasVersion version = KerasVersion.statedOrGuessed(versionAttr(h5).orElse(""), root);
            ConvertedConfig config = KerasModelConfig.convert(root, version, source);
            Model model = build(config, version, source);
            Group weights = Hdf5.childGroup(h5, "model_weights").orElseThrow(() -> new KerasImportException(
                    source + ": the file has a model_config but no model_weights group (saved without weights?)"));
            setWeights(model, config, weights, source);
            model.setProvenance(new Provenance(describe(version, file), Instant.now(), Map.of(),
                    provenance(file, "keras-hdf5", version, Hdf5.string(h5, "backend"))));
            return model;
        } catch (RuntimeException e) {
            throw Hdf5.rethrow(source, e);
        }
    }

    private static Model loadArchive(Path file) {
        String source = file.toString();
        Keras3Archive archive = Keras3Archive.read(file);
        KerasVersion version = KerasVersion.statedOrGuessed(archive.kerasVersion().orElse(""), archive.config());
        ConvertedConfig config = KerasModelConfig.convert(archive.config(), version, source);
        Model model = build(config, version, source);
        String weightsSource = source + " " + Keras3Archive.WEIGHTS;
        try (HdfFile h5 = Hdf5.open(archive.weights(), weightsSource)) {
            setWeights(model, config, h5, weightsSource);
        } catch (RuntimeException e) {
            throw Hdf5.rethrow(weightsSource, e);
        }
        model.setProvenance(new Provenance(describe(version, file), Instant.now(), Map.of(),
                provenance(file, "keras-archive", version, Optional.empty())));
        return model;
    }

    private static Model build(ConvertedConfig config, KerasVersion version, String source) {
        try {
            return ModelConfig.fromJson(config.model(), source, version.options());
        } catch (ConfigException e) {
            throw new KerasImportException(e.getMessage(), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new KerasImportException(source + ": " + e.getMessage(), e);
        }
    }

    private static void setWeights(Model model, ConvertedConfig config, Group root, String source) {
        Map<String, List<NamedArray>> weights = Keras3Weights.isKeras3Root(root)
                ? Keras3Weights.read(root, config, source)
                : LegacyWeights.read(root, source);
        WeightLayout.apply(model, weights, source);
    }

    private static Optional<String> versionAttr(HdfFile h5) {
        return Hdf5.string(h5, "keras_version")
                .or(() -> Hdf5.childGroup(h5, "model_weights").flatMap(g -> Hdf5.string(g, "keras_version")));
    }

    private static Optional<String> text(JsonNode n, String key) {
        return n.hasNonNull(key) ? Optional.of(n.get(key).asText()) : Optional.empty();
    }

    private static JsonNode parseJson(String text, String where) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new KerasImportException(where + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String describe(KerasVersion version, Path file) {
        return "Imported from " + version + " file " + file.getFileName();
    }

    private static Map<String, String> provenance(Path file, String format, KerasVersion version, Optional<String> backend) {
        Map<String, String> p = new TreeMap<>();
        p.put("source_file", file.toAbsolutePath().toString());
        p.put("source_format", format);
        p.put("keras_version", version.text().isEmpty() ? Integer.toString(version.major()) : version.text());
        backend.ifPresent(b -> p.put("keras_backend", b));
        return p;
    }
}
