package org.openvdi.broker.integrity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A checkpoint of the event chain as a C2SP signed note (c2sp.org/signed-note, c2sp.org/tlog-checkpoint):
 * <pre>
 * openvdi.local/event-chain          the origin (the log's name)
 * 1234                               the chain's size: events sealed
 * 3q2+7w...=                         the head: the newest link, base64
 * index 5678                         extension: global index of the newest sealed event
 * time 2025-01-01T12:00:00.123Z      extension: when it was signed
 *
 * — openvdi.local/event-chain AbCd...   signature line: key name, base64(key id ‖ Ed25519 signature)
 * </pre>
 * The signature covers the text up to and including the newline before the blank line. The key id is the first
 * four bytes of SHA-256(key name ‖ "\n" ‖ 0x01 ‖ public key), as signed-note defines for Ed25519.
 */
record CheckpointNote(String origin, long size, byte[] head, long lastIndex, Instant time) {

    private static final String DASH = "\u2014 ";
    private static final byte ED25519 = 0x01;

    String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(head) + "\nindex " + lastIndex
                + "\ntime " + time + "\n";
    }

    /** The whole signed note. */
    String sign(PrivateKey key, PublicKey publicKey) {
        String body = body();
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(body.getBytes(StandardCharsets.UTF_8));
            byte[] signature = signer.sign();
            byte[] line = ByteBuffer.allocate(4 + signature.length).put(keyId(origin, publicKey)).put(signature).array();
            return body + "\n" + DASH + origin + " " + Base64.getEncoder().encodeToString(line) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Signing a checkpoint failed", e);
        }
    }

    /**
     * The checkpoint of a signed note, when {@code key} signed it under the note's own origin and the note is well
     * formed; empty otherwise.
     */
    static Optional<CheckpointNote> verified(String note, PublicKey key) {
        int split = note.indexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            return Optional.empty();
        }
        String body = note.substring(0, split + 1);
        String[] lines = body.split("\n", -1);
        if (lines.length != 6 || !lines[3].startsWith("index ") || !lines[4].startsWith("time ")) {
            return Optional.empty();
        }
        try {
            CheckpointNote checkpoint = new CheckpointNote(lines[0], Long.parseLong(lines[1]),
                    Base64.getDecoder().decode(lines[2]), Long.parseLong(lines[3].substring(6)),
                    Instant.parse(lines[4].substring(5)));
            if (!checkpoint.body().equals(body) || checkpoint.head.length != 32 || checkpoint.size < 0) {
                return Optional.empty();
            }
            byte[] expectedId = keyId(checkpoint.origin, key);
            for (String line : note.substring(split + 2).split("\n")) {
                if (line.startsWith(DASH + checkpoint.origin + " ") && signedBy(body, line, expectedId, key)) {
                    return Optional.of(checkpoint);
                }
            }
            return Optional.empty();
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean signedBy(String body, String line, byte[] keyId, PublicKey key) {
        byte[] decoded = Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1));
        if (decoded.length != 4 + 64 || !Arrays.equals(Arrays.copyOf(decoded, 4), keyId)) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(body.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(decoded, 4, 64);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] keyId(String name, PublicKey key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(name.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) '\n');
            sha256.update(ED25519);
            sha256.update(CheckpointKeys.raw(key));
            return Arrays.copyOf(sha256.digest(), 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }
}
