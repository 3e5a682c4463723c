package io.seqstream.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.seqstream.model.Model;
import io.seqstream.model.Provenance;
import io.seqstream.model.Tensor;
import io.seqstream.model.config.ModelConfig;
import io.seqstream.model.layers.Layer;
import io.seqstream.model.layers.Weight;
import io.seqstream.model.layers.WeightBudget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The seqstream model file: a zip with
 * <ul>
 *   <li>{@code model.json}: {@code format_version}, the architecture ({@link ModelConfig} format),
 *       the weight index (name and shape, in order), the sha-256 of {@code weights.bin}, and provenance;</li>
 *   <li>{@code weights.bin}: every weight as little-endian float32, in index order, Keras layout.</li>
 * </ul>
 * Files of an older format version stay readable; a newer one is refused with a clear message.
 */
public final class ModelFile {
    /** The format this code writes. Readers accept 1..CURRENT_FORMAT. */
    public static final int CURRENT_FORMAT = 1;
    static final String MODEL_JSON = "model.json";
    static final String WEIGHTS_BIN = "weights.bin";
    private static final long MAX_ENTRY_BYTES = 2L << 30;

    private ModelFile() {
    }

    public static void save(Model model, Path file) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(model, out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelFileException("cannot write model file " + file + ": " + e.getMessage(), e);
        }
    }

    public static byte[] toBytes(Model model) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(model, bos);
        } catch (IOException e) {
            throw new ModelFileException("cannot serialise model: " + e.getMessage(), e);
        }
        return bos.toByteArray();
    }

    public static void write(Model model, OutputStream out) throws IOException {
        List<Weight> ws = model.weights();
        long total = 0;
        for (Weight w : ws)
            total += w.size();
        ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(total * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (Weight w : ws)
            for (float v : w.values())
                buf.putFloat(v);
        byte[] weights = buf.array();

        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("format_version", CURRENT_FORMAT);
        root.put("producer", "seqstream model-core");
        root.set("model", ModelConfig.toJson(model));
        ArrayNode index = root.putArray("weights");
        for (Layer l : model.layers()) {
            for (Weight w : l.weights()) {
                ObjectNode e = index.addObject();
                e.put("name", l.name() + "/" + w.name());
                ArrayNode shape = e.putArray("shape");
                for (int d : w.shape())
                    shape.add(d);
            }
        }
        root.put("weights_sha256", sha256(weights));
        root.set("provenance", provenanceJson(om, model.provenance()));

        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(MODEL_JSON));
            zip.write(om.writeValueAsBytes(root));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(WEIGHTS_BIN));
            zip.write(weights);
            zip.closeEntry();
        }
    }

    public static Model load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new ModelFileException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Model fromBytes(byte[] bytes, String source) {
        try {
            return read(new ByteArrayInputStream(bytes), source);
        } catch (IOException e) {
            throw new ModelFileException(source + ": cannot read model: " + e.getMessage(), e);
        }
    }

    /** Whether a file starts like a zip (a seqstream model file) rather than HDF5 or anything else. */
    public static boolean looksLikeModelFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    public static Model read(InputStream in, String source) throws IOException {
        byte[] json = null, weights = null;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.getName().equals(MODEL_JSON))
                    json = readBounded(zip, source, e.getName());
                else if (e.getName().equals(WEIGHTS_BIN))
                    weights = readBounded(zip, source, e.getName());
            }
        } catch (java.util.zip.ZipException e) {
            throw new ModelFileException(source + ": not a seqstream model file (corrupt zip: " + e.getMessage() + ")", e);
        } catch (java.io.EOFException e) {
            throw new ModelFileException(source + ": truncated model file", e);
        }
        if (json == null || weights == null) {
            throw new ModelFileException(
                    source + ": not a seqstream model file (needs " + MODEL_JSON + " and " + WEIGHTS_BIN + " entries)");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFileException(source + ": " + MODEL_JSON + " is not valid JSON: " + e.getMessage(), e);
        }
        int version = root.path("format_version").asInt(-1);
        if (version < 1)
            throw new ModelFileException(source + ": " + MODEL_JSON + " has no valid format_version");
        if (version > CURRENT_FORMAT) {
            throw new ModelFileException(
                    source + ": model file format " + version + " was written by a newer seqstream; this version reads formats 1.."
                            + CURRENT_FORMAT + ". Upgrade seqstream to load it.");
        }
        String sha = root.path("weights_sha256").asText("");
        if (!sha.equals(sha256(weights))) {
            throw new ModelFileException(source + ": " + WEIGHTS_BIN + " does not match its checksum (file corrupt)");
        }
        Model model;
        try {
            // The architecture may declare any layer size: allocate no more weights than weights.bin holds.
            JsonNode arch = root.path("model");
            model = WeightBudget.within(weights.length / 4, () -> ModelConfig.fromJson(arch, source + " " + MODEL_JSON));
        } catch (WeightBudget.ExceededException e) {
            throw new ModelFileException(source + ": " + e.getMessage(), e);
        }
        Map<String, Weight> byName = new LinkedHashMap<>();
        for (Layer l : model.layers())
            for (Weight w : l.weights())
                byName.put(l.name() + "/" + w.name(), w);
        ByteBuffer buf = ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN);
        List<String> seen = new ArrayList<>();
        for (JsonNode e : root.path("weights")) {
            String name = e.path("name").asText();
            Weight w = byName.get(name);
            if (w == null)
                throw new ModelFileException(source + ": weight '" + name + "' does not belong to the model");
            int[] shape = new int[e.path("shape").size()];
            for (int i = 0; i < shape.length; i++)
                shape[i] = e.path("shape").get(i).asInt();
            if (!java.util.Arrays.equals(shape, w.shape())) {
                throw new ModelFileException(source + ": weight '" + name + "' has shape " + Tensor.shapeString(shape)
                        + " but the architecture needs " + Tensor.shapeString(w.shape()));
            }
            if (buf.remaining() < w.size() * 4)
                throw new ModelFileException(source + ": " + WEIGHTS_BIN + " is shorter than its index");
            float[] v = w.values();
            for (int i = 0; i < v.length; i++)
                v[i] = buf.getFloat();
            seen.add(name);
        }
        if (seen.size() != byName.size()) {
            List<String> missing = new ArrayList<>(byName.keySet());
            missing.removeAll(seen);
            throw new ModelFileException(source + ": weights missing for " + missing);
        }
        if (buf.hasRemaining())
            throw new ModelFileException(source + ": " + WEIGHTS_BIN + " has " + buf.remaining() + " bytes beyond its index");
        model.setProvenance(provenance(root.path("provenance")));
        return model;
    }

    private static byte[] readBounded(ZipInputStream zip, String source, String entry) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        byte[] b = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = zip.read(b)) > 0) {
            total += n;
            if (total > MAX_ENTRY_BYTES)
                throw new ModelFileException(source + ": entry " + entry + " is larger than " + MAX_ENTRY_BYTES + " bytes");
            bos.write(b, 0, n);
        }
        return bos.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode provenanceJson(ObjectMapper om, Provenance p) {
        ObjectNode o = om.createObjectNode();
        o.put("description", p.description());
        o.put("created_at", p.createdAt().toString());
        ObjectNode m = o.putObject("metrics");
        p.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> m.put(e.getKey(), e.getValue()));
        ObjectNode props = o.putObject("properties");
        p.properties().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> props.put(e.getKey(), e.getValue()));
        return o;
    }

    private static Provenance provenance(JsonNode o) {
        if (o.isMissingNode() || o.isNull())
            return Provenance.none();
        Map<String, Double> metrics = new LinkedHashMap<>();
        o.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        Map<String, String> props = new LinkedHashMap<>();
        o.path("properties").fields().forEachRemaining(e -> props.put(e.getKey(), e.getValue().asText()));
        Instant created;
        try {
            created = Instant.parse(o.path("created_at").asText("1970-01-01T00:00:00Z"));
        } catch (java.time.format.DateTimeParseException e) {
            created = Instant.EPOCH;
        }
        return new Provenance(o.path("description").asText(""), created, metrics, props);
    }
}
