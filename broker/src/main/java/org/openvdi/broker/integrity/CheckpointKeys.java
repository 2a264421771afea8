package org.openvdi.broker.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The Ed25519 keys of the checkpoints, read from PEM files (the JDK's own Ed25519, no other provider). The
 * private key signs; the public key verifies, and is the private key's own unless configured apart (a verifier
 * then needs no secret).
 */
record CheckpointKeys(Optional<PrivateKey> signing, PublicKey verifying) {

    private static final int ED25519_KEY_LENGTH = 32;

    /** The configured keys, or empty when no key is configured. A key file that cannot be used stops the start. */
    static Optional<CheckpointKeys> load(CheckpointSettings settings) {
        Optional<PrivateKey> signing = Optional.ofNullable(settings.privateKey()).map(CheckpointKeys::privateKey);
        Optional<PublicKey> verifying = Optional.ofNullable(settings.publicKey()).map(CheckpointKeys::publicKey)
                .or(() -> signing.map(CheckpointKeys::publicKeyOf));
        if (verifying.isEmpty()) {
            return Optional.empty();
        }
        signing.ifPresent(key -> requirePair(key, verifying.get()));
        return Optional.of(new CheckpointKeys(signing, verifying.get()));
    }

    /** The 32 bytes of an Ed25519 public key (the tail of its X.509 encoding). */
    static byte[] raw(PublicKey key) {
        byte[] encoded = key.getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - ED25519_KEY_LENGTH, encoded.length);
    }

    static PrivateKey privateKey(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pem(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The checkpoint key " + file + " is not an Ed25519 PKCS#8 private key", e);
        }
    }

    static PublicKey publicKey(Path file) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(pem(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The checkpoint public key " + file + " is not an Ed25519 public key", e);
        }
    }

    /**
     * The public key of an Ed25519 private key. The JDK computes it only while generating a pair, from the random
     * bytes it draws as the private key: it is given the private key's own bytes to draw.
     */
    static PublicKey publicKeyOf(PrivateKey key) {
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new IllegalStateException("The checkpoint key's bytes cannot be read"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            });
            return generator.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The checkpoint key's public key cannot be computed", e);
        }
    }

    private static void requirePair(PrivateKey signing, PublicKey verifying) {
        try {
            byte[] probe = "openvdi checkpoint key probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(signing);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(verifying);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("The checkpoint public key does not belong to the private key");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The checkpoint keys cannot sign", e);
        }
    }

    private static byte[] pem(Path file, String label) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the checkpoint key file " + file, e);
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalStateException("The checkpoint key file " + file + " holds no " + label + " in PEM");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The checkpoint key file " + file + " is not valid PEM", e);
        }
    }
}
