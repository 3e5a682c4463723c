package io.seqstream.jobs.retrain;

import io.seqstream.model.Model;
import io.seqstream.model.io.ModelFile;
import io.seqstream.schemas.AvroCodec;
import io.seqstream.schemas.ModelSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Builds {@link ModelSnapshot} records and reads their parts. The models topic is keyed by the version as a
 * decimal string, so compaction keeps every version (history stays listable) and the current model is the
 * highest version. A version's model file also carries it in its provenance ({@code version},
 * {@code parentVersion}), so a model saved from a snapshot keeps its identity.
 */
public final class ModelSnapshots {
    public static final String VERSION_PROPERTY = "version";
    public static final String PARENT_PROPERTY = "parentVersion";
    /** Largest models-topic record the producers send (the broker's message.max.bytes / topic max.message.bytes must allow it). */
    public static final int MAX_RECORD_BYTES = 64 << 20;

    private ModelSnapshots() {
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The Kafka key of a version's record. */
    public static byte[] key(long version) {
        return Long.toString(version).getBytes(StandardCharsets.UTF_8);
    }

    /** A snapshot of {@code model} as {@code version}; the version and parent are written into the model's provenance too. */
    public static ModelSnapshot create(Model model, long version, Long parentVersion, long windowStart, long windowEnd,
            Map<String, Double> metrics, String description) {
        var provenance = model.provenance().withProperty(VERSION_PROPERTY, Long.toString(version));
        if (parentVersion != null) {
            provenance = provenance.withProperty(PARENT_PROPERTY, Long.toString(parentVersion));
        }
        model.setProvenance(provenance);
        return of(ModelFile.toBytes(model), version, parentVersion, windowStart, windowEnd, metrics, description);
    }

    /** A snapshot of model-file bytes as they are. */
    public static ModelSnapshot of(byte[] modelBytes, long version, Long parentVersion, long windowStart, long windowEnd,
            Map<String, Double> metrics, String description) {
        return ModelSnapshot.newBuilder()
                .setVersion(version)
                .setParentVersion(parentVersion)
                .setCreatedAt(System.currentTimeMillis())
                .setModelBytes(ByteBuffer.wrap(modelBytes))
                .setSha256(sha256Hex(modelBytes))
                .setMetrics(Map.copyOf(metrics))
                .setWindowStart(windowStart)
                .setWindowEnd(windowEnd)
                .setDescription(description)
                .build();
    }

    /** Fields added to ModelSnapshot by signing; records written before them lack them. */
    static final List<String> SIGNING_FIELDS = List.of("signature", "signingKeyId");
    private static final Schema BEFORE_SIGNING = withoutFields(ModelSnapshot.getClassSchema(), SIGNING_FIELDS);

    /**
     * Decodes a ModelSnapshot record, also one written before the signing fields existed (they read as null): the
     * topic keeps every version, so old records stay in it.
     */
    public static ModelSnapshot decode(byte[] value) {
        try {
            return AvroCodec.decode(value, ModelSnapshot.class);
        } catch (RuntimeException current) {
            try {
                return AvroCodec.decode(value, ModelSnapshot.class, BEFORE_SIGNING);
            } catch (RuntimeException old) {
                throw current;
            }
        }
    }

    static Schema withoutFields(Schema schema, List<String> names) {
        List<Schema.Field> fields = schema.getFields().stream().filter(f -> !names.contains(f.name()))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    /** A copy of the model bytes (the record's buffer is left untouched). */
    public static byte[] modelBytes(ModelSnapshot s) {
        ByteBuffer b = s.getModelBytes().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
