package org.openvdi.broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openvdi.templates.xml.LibvirtNames;

/**
 * Reads a file from a persistent desktop's user disk on qemu:///system without booting anything: the volume is
 * converted to a raw copy with qemu-img and the file is read from its ext2 file system with debugfs (e2fsprogs).
 * The desktop must be powered off, so that its guest has written everything out. Arguments come from the tests
 * (their own storage pools and desktop ids), never from user input.
 */
public final class UserDiskFiles {

    private UserDiskFiles() {
    }

    /** The non-blank lines of {@code file} (a path from the root of the user disk, such as {@code /boots}). */
    public static List<String> lines(String storagePool, String desktopId, String file, Path workDir) throws IOException,
            InterruptedException {
        Virsh.Result path = Virsh.run("vol-path", "--pool", storagePool, LibvirtNames.userDiskVolumeName(desktopId));
        if (path.exitCode() != 0) {
            throw new IllegalStateException("no user disk of desktop " + desktopId + ": " + path.output());
        }
        Files.createDirectories(workDir);
        Path raw = workDir.resolve("user-" + desktopId + ".raw");
        run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", path.output().trim(), raw.toString());
        try {
            return run("debugfs", "-R", "cat " + file, raw.toString()).lines().filter(line -> !line.isBlank()).toList();
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
        }
        return output;
    }
}
