package io.seqstream.jobs.trust;

import io.seqstream.schemas.ModelSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes an Ed25519 signature of a {@link ModelSnapshot} covers: a fixed label, then every field but the
 * signature in a fixed binary layout (metrics sorted by name), with the model bytes represented by the SHA-256
 * computed here (not the record's {@code sha256} field) and the signing key's id. Avro's own encoding is not used:
 * map order is not fixed there, and a field added later must not silently fall outside the signature.
 */
final class SignedBytes {
    static final String LABEL = "seqstream ModelSnapshot signature v1";

    private SignedBytes() {
    }

    static byte[] of(ModelSnapshot s, String keyId) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (DataOutputStream d = new DataOutputStream(buffer)) {
            text(d, LABEL);
            d.writeLong(s.getVersion());
            d.writeBoolean(s.getParentVersion() != null);
            d.writeLong(s.getParentVersion() == null ? 0 : s.getParentVersion());
            d.writeLong(s.getCreatedAt());
            text(d, sha256Hex(s.getModelBytes()));
            Map<String, Double> metrics = new TreeMap<>(s.getMetrics());
            d.writeInt(metrics.size());
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                text(d, e.getKey());
                d.writeLong(Double.doubleToLongBits(e.getValue()));
            }
            d.writeLong(s.getWindowStart());
            d.writeLong(s.getWindowEnd());
            text(d, s.getDescription());
            text(d, keyId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    /** Lowercase hex SHA-256 of the buffer's remaining bytes (the buffer itself is left as it is). */
    static String sha256Hex(ByteBuffer bytes) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(bytes.duplicate());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void text(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }
}
