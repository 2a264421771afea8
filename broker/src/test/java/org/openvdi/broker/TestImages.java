package org.openvdi.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Small image files inside the test image directory ({@code target/test-images}) for publishing: fixed
 * pseudo-random bytes with an MBR boot signature, which the broker accepts as a raw disk image.
 */
public final class TestImages {

    private TestImages() {
    }

    public static Path image(String name) throws IOException {
        Path dir = Path.of("target/test-images").toAbsolutePath();
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        byte[] data = new byte[256 * 1024];
        new Random(name.hashCode()).nextBytes(data);
        withBootSignature(data);
        // rewritten when an earlier build left other bytes there (images without a boot signature)
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), data)) {
            Files.write(file, data);
        }
        return file;
    }

    /** Puts an MBR boot signature (0x55 0xAA at byte 510) into {@code disk}, as a partitioned raw disk has. */
    public static byte[] withBootSignature(byte[] disk) {
        disk[510] = 0x55;
        disk[511] = (byte) 0xaa;
        return disk;
    }
}
