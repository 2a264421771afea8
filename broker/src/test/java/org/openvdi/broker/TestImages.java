package org.openvdi.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small image files inside the test image directory ({@code target/test-images}) for publishing. */
public final class TestImages {

    private TestImages() {
    }

    public static Path image(String name) throws IOException {
        Path dir = Path.of("target/test-images").toAbsolutePath();
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            byte[] data = new byte[256 * 1024];
            new Random(name.hashCode()).nextBytes(data);
            Files.write(file, data);
        }
        return file;
    }
}
