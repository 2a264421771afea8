package org.openvdi.broker.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.hypervisor.ImageSpec;

/** A small raw image file with its real SHA-256, enough for libvirt's test driver to place and clone. */
public final class RawImages {

    private RawImages() {
    }

    /** Writes one MiB of fixed pseudo-random bytes with an MBR boot signature to {@code file} and describes it. */
    public static ImageSpec write(Path file) {
        return write(file, 7);
    }

    /** As {@link #write(Path)}, with bytes drawn from {@code seed}: another seed, another image (and checksum). */
    public static ImageSpec write(Path file, long seed) {
        byte[] bytes = new byte[1 << 20];
        new Random(seed).nextBytes(bytes);
        TestImages.withBootSignature(bytes);
        try {
            Files.write(file, bytes);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new ImageSpec(file.toString(), sha256, "raw", bytes.length);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the test image " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }
}
