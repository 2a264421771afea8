package org.openvdi.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Versions of the tiny desktop image for rollouts on qemu:///system: version 1 is the built image, and a later
 * version is a copy of it with a file {@code VERSION.TXT} written into its FAT boot partition (mtools, which the
 * tiny recipe installs). It boots exactly like version 1, but its bytes, checksum and therefore its image volume
 * on the host differ, so a desktop's backing image tells which version it runs.
 */
public final class TinyImageVersions {

    /** Where tiny/build.sh puts the FAT partition: at 1 MiB. */
    private static final long PARTITION_OFFSET = 1_048_576;

    private TinyImageVersions() {
    }

    /** The built tiny image copied into {@code directory} as {@code tiny-desktop-v1.img}. */
    public static Path first(Path directory) throws IOException {
        Files.createDirectories(directory);
        return Files.copy(AppProcess.tinyImage(), directory.resolve("tiny-desktop-v1.img"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** {@code tiny-desktop-v<version>.img} in {@code directory}: the built image with its version written on its boot partition. */
    public static Path version(Path directory, int version) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path image = Files.copy(AppProcess.tinyImage(), directory.resolve("tiny-desktop-v" + version + ".img"),
                StandardCopyOption.REPLACE_EXISTING);
        Path marker = directory.resolve("VERSION-" + version + ".TXT");
        Files.writeString(marker, "OpenVDI tiny desktop, version " + version + "\n", StandardCharsets.US_ASCII);
        ProcessBuilder builder = new ProcessBuilder("mcopy", "-o", "-i", image + "@@" + PARTITION_OFFSET, marker.toString(),
                "::VERSION.TXT").redirectErrorStream(true);
        builder.environment().put("MTOOLS_SKIP_CHECK", "1");
        Process mcopy = builder.start();
        String output = new String(mcopy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!mcopy.waitFor(60, TimeUnit.SECONDS) || mcopy.exitValue() != 0) {
            throw new IllegalStateException("mcopy could not write the version into " + image + ": " + output);
        }
        Files.delete(marker);
        return image;
    }
}
