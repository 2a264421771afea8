package org.openvdi.broker.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A one-time connection token: 256 random bits from {@link SecureRandom}, base64url without
 * padding (43 characters). Only its SHA-256 is ever stored; the value goes to its user once.
 */
public record ConnectionToken(String value) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 32;

    public static ConnectionToken random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return new ConnectionToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    public String hash() {
        return hashOf(value);
    }

    /** SHA-256 of a presented token, as lowercase hex: how tokens are looked up and recorded. */
    public static String hashOf(String presented) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(presented.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "ConnectionToken[hash=" + hash().substring(0, 12) + "...]";
    }
}
