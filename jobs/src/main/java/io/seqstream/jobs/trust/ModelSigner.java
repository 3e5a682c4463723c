package io.seqstream.jobs.trust;

import io.seqstream.jobs.config.ConfigKeys;
import io.seqstream.jobs.config.JobConfig;
import io.seqstream.schemas.ModelSnapshot;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Optional;

/**
 * Signs model snapshots with an Ed25519 private key ({@code models.signing-key}, or {@code --signing-key} of the
 * models command): the trainer of a job and {@code models publish}/{@code rollback}/{@code train --publish} sign what
 * they publish. {@link #unsigned()} leaves snapshots as they are. Serializable (the key travels in the job graph, like
 * every other setting: protect the job submission as you protect the key file).
 */
public final class ModelSigner implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ModelSigner UNSIGNED = new ModelSigner(null, null);

    private final byte[] pkcs8; // null: does not sign
    private final String keyId;

    private ModelSigner(byte[] pkcs8, String keyId) {
        this.pkcs8 = pkcs8;
        this.keyId = keyId;
    }

    public static ModelSigner unsigned() {
        return UNSIGNED;
    }

    public static ModelSigner of(PrivateKey key) {
        return new ModelSigner(key.getEncoded(), KeyFiles.keyId(KeyFiles.publicOf(key)));
    }

    /** The private key of a PEM file (a {@code PRIVATE KEY} block). */
    public static ModelSigner fromFile(Path file) {
        return of(KeyFiles.readPrivate(file));
    }

    /** The signer of {@code models.signing-key}, or {@link #unsigned()} when it is not set. */
    public static ModelSigner fromConfig(JobConfig config) {
        return config.find(ConfigKeys.MODELS_SIGNING_KEY).map(ModelSigner::fromFile).orElse(UNSIGNED);
    }

    public boolean signs() {
        return pkcs8 != null;
    }

    /** The id of the signing key's public key; empty for {@link #unsigned()}. */
    public Optional<String> keyId() {
        return Optional.ofNullable(keyId);
    }

    /** A copy of {@code s} carrying this key's signature and id ({@code s} itself when unsigned). */
    public ModelSnapshot sign(ModelSnapshot s) {
        if (pkcs8 == null) {
            return s;
        }
        try {
            PrivateKey key = KeyFactory.getInstance(KeyFiles.ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            Signature sig = Signature.getInstance(KeyFiles.ALGORITHM);
            sig.initSign(key);
            sig.update(SignedBytes.of(s, keyId));
            return ModelSnapshot.newBuilder(s).setSignature(ByteBuffer.wrap(sig.sign())).setSigningKeyId(keyId).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign model snapshot v" + s.getVersion() + " with key " + keyId + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public String toString() {
        return pkcs8 == null ? "ModelSigner{unsigned}" : "ModelSigner{key " + keyId + "}"; // never the key itself
    }
}
