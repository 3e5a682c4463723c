package io.seqstream.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The parts of a Keras 3 {@code .keras} file (a zip): {@code config.json} (the model config),
 * {@code metadata.json} ({@code keras_version}) and {@code model.weights.h5}.
 */
record Keras3Archive(JsonNode config, Optional<String> kerasVersion, byte[] weights) {
    static final String CONFIG = "config.json";
    static final String METADATA = "metadata.json";
    static final String WEIGHTS = "model.weights.h5";
    private static final long MAX_ENTRY_BYTES = 1L << 31;

    static Keras3Archive read(Path file) {
        String source = file.toString();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry config = zip.getEntry(CONFIG);
            if (config == null) {
                String hint = zip.getEntry("model.json") != null
                        ? " (it looks like a seqstream model file: load it with ModelFile.load)"
                        : "";
                throw new KerasImportException(source + ": not a Keras 3 archive: it has no " + CONFIG + hint);
            }
            ZipEntry weights = zip.getEntry(WEIGHTS);
            if (weights == null)
                throw new KerasImportException(source + ": the Keras archive has no " + WEIGHTS);
            ObjectMapper om = new ObjectMapper();
            JsonNode cfg = json(om, bytes(zip, config, source), source, CONFIG);
            Optional<String> version = Optional.empty();
            ZipEntry meta = zip.getEntry(METADATA);
            if (meta != null) {
                JsonNode m = json(om, bytes(zip, meta, source), source, METADATA);
                if (m.hasNonNull("keras_version"))
                    version = Optional.of(m.get("keras_version").asText());
            }
            return new Keras3Archive(cfg, version, bytes(zip, weights, source));
        } catch (IOException e) {
            throw new KerasImportException(source + ": not a readable zip archive (truncated or corrupt?): " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ZipFile zip, ZipEntry e, String source) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                total += n;
                if (total > MAX_ENTRY_BYTES)
                    throw new KerasImportException(source + ": entry " + e.getName() + " is larger than 2 GiB");
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static JsonNode json(ObjectMapper om, byte[] b, String source, String entry) {
        try {
            return om.readTree(b);
        } catch (IOException e) {
            throw new KerasImportException(source + ": " + entry + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
