package org.openvdi.broker.integrity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

/** A fresh Ed25519 key pair written as PEM files, as {@code openssl genpkey -algorithm ed25519} writes them. */
public record CheckpointKeyFiles(Path privateKey, Path publicKey) {

    public static CheckpointKeyFiles generate(Path directory) {
        try {
            Files.createDirectories(directory);
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            Path privateKey = directory.resolve("checkpoint-key.pem");
            Path publicKey = directory.resolve("checkpoint-key.pub.pem");
            Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            return new CheckpointKeyFiles(privateKey, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
