package io.seqstream.jobs.trust;

import io.seqstream.jobs.config.ConfigException;
import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.schemas.ModelSnapshot;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The public keys whose signatures a job accepts on model snapshots ({@code models.trusted-keys}). With at least one
 * key, a snapshot is served only when it carries a signature by one of them over its {@link SignedBytes}: unsigned
 * snapshots, snapshots signed by another key and snapshots changed after signing are refused. Two keys at once make a
 * rotation: trust old and new, switch the signers to the new key, then drop the old one. {@link #none()} (no key
 * configured) checks nothing, as before signing existed.
 */
public final class TrustedKeys implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final TrustedKeys NONE = new TrustedKeys(Map.of());

    private final Map<String, byte[]> byId; // key id -> X.509 encoding

    private TrustedKeys(Map<String, byte[]> byId) {
        this.byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    }

    public static TrustedKeys none() {
        return NONE;
    }

    public static TrustedKeys of(List<PublicKey> keys) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        keys.forEach(k -> m.put(KeyFiles.keyId(k), k.getEncoded()));
        return new TrustedKeys(m);
    }

    /** The public keys of PEM files (a {@code PUBLIC KEY} block each). */
    public static TrustedKeys fromFiles(List<Path> files) {
        return of(files.stream().map(KeyFiles::readPublic).toList());
    }

    /** The keys of {@code models.trusted-keys}, or {@link #none()} when it is not set. */
    public static TrustedKeys fromConfig(JobConfig config) {
        Optional<List<Path>> files = config.find(ConfigKeys.MODELS_TRUSTED_KEYS);
        if (files.isEmpty()) {
            return NONE;
        }
        try {
            return fromFiles(files.get());
        } catch (RuntimeException e) {
            throw new ConfigException("config key '" + ConfigKeys.MODELS_TRUSTED_KEYS.name() + "': " + e.getMessage());
        }
    }

    /** Whether signatures are required (at least one key). */
    public boolean enforced() {
        return !byId.isEmpty();
    }

    public Set<String> keyIds() {
        return byId.keySet();
    }

    /** Empty when {@code s} may be served, else why not (for its dead letter). */
    public Optional<String> problem(ModelSnapshot s) {
        if (!enforced()) {
            return Optional.empty();
        }
        if (s.getSignature() == null || s.getSigningKeyId() == null) {
            return Optional.of("unsigned: this job serves only snapshots signed by a trusted key (models.trusted-keys: " + keyIds() + ")");
        }
        String id = s.getSigningKeyId();
        byte[] x509 = byId.get(id);
        if (x509 == null) {
            return Optional.of("signed by key " + printable(id) + ", which is not trusted (models.trusted-keys: " + keyIds() + ")");
        }
        try {
            PublicKey key = KeyFiles.publicKey(x509, "trusted key " + id);
            Signature sig = Signature.getInstance(KeyFiles.ALGORITHM);
            sig.initVerify(key);
            sig.update(SignedBytes.of(s, id));
            ByteBuffer b = s.getSignature().duplicate();
            byte[] signature = new byte[b.remaining()];
            b.get(signature);
            if (sig.verify(signature)) {
                return Optional.empty();
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.of("the signature of key " + id + " does not verify: " + e.getMessage());
        }
        return Optional.of("the signature of key " + id + " does not verify: the snapshot was changed after signing, or the "
                + "signature is forged");
    }

    /** A key id from the record, shortened and stripped of control characters (it lands in logs and dead letters). */
    private static String printable(String id) {
        String s = id.length() > 40 ? id.substring(0, 40) + "..." : id;
        return "'" + s.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    @Override
    public String toString() {
        return "TrustedKeys" + keyIds();
    }
}
