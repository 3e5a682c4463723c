package io.seqstream.jobs.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 key files in the PEM form openssl writes ({@code openssl genpkey -algorithm ed25519}): a private key is a
 * {@code PRIVATE KEY} block (PKCS#8), a public key a {@code PUBLIC KEY} block (X.509 SubjectPublicKeyInfo). A key's
 * id is the first 16 hex characters of the SHA-256 of its X.509 encoding, so every holder of the public key computes
 * the same id.
 */
public final class KeyFiles {
    public static final String ALGORITHM = "Ed25519";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private KeyFiles() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JVM", e);
        }
    }

    /** The id of a public key (16 hex characters). */
    public static String keyId(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Writes the private key (readable by its owner only, where the file system allows) and the public key. */
    public static void write(KeyPair pair, Path privateFile, Path publicFile) {
        try {
            Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions protect it
            }
            Files.writeString(publicFile, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key files " + privateFile + ", " + publicFile + ": " + e.getMessage(), e);
        }
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[]{ '\n' }).encodeToString(der) + "\n-----END "
                + label + "-----\n";
    }

    public static PublicKey readPublic(Path file) {
        return publicKey(block(file, "PUBLIC KEY"), file.toString());
    }

    public static PrivateKey readPrivate(Path file) {
        byte[] der = block(file, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not an " + ALGORITHM + " private key: " + e.getMessage(), e);
        }
    }

    static PublicKey publicKey(byte[] x509, String what) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": not an " + ALGORITHM + " public key: " + e.getMessage(), e);
        }
    }

    /**
     * The public key of an Ed25519 private key: the JDK derives it when it generates a pair from the private key's
     * 32-byte seed, so the pair is generated again from that seed; a signature made with the private key must verify
     * with the result.
     */
    public static PublicKey publicOf(PrivateKey key) {
        byte[] seed = key instanceof EdECPrivateKey ed ? ed.getBytes().orElse(null) : null;
        if (seed == null || seed.length != 32) {
            throw new IllegalArgumentException("not an " + ALGORITHM + " private key with a seed");
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ALGORITHM);
            g.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            PublicKey derived = g.generateKeyPair().getPublic();
            byte[] probe = "seqstream key probe".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            s.initVerify(derived);
            s.update(probe);
            if (!s.verify(sig)) {
                throw new IllegalStateException("cannot derive the public key of an " + ALGORITHM + " private key on this JVM");
            }
            return derived;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key of an " + ALGORITHM + " private key: " + e.getMessage(), e);
        }
    }

    private static byte[] block(Path file, String label) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    return Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": the " + label + " block is not base64: " + e.getMessage(), e);
                }
            }
        }
        throw new IllegalArgumentException(file + ": no '-----BEGIN " + label + "-----' block (PEM, as openssl writes it)");
    }

    /** Hands out the seed once: the JDK's Ed25519 generator draws the private key's 32 bytes from its random source. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;
        private boolean used;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (used || bytes.length != seed.length) {
                throw new IllegalStateException("unexpected draw of " + bytes.length + " random bytes");
            }
            used = true;
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
        }
    }
}
