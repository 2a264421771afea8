package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backing file name of a qcow2 overlay, rewritten in place for a moved desktop's system disk. */
class Qcow2BackingFileTest {

    private static final int NAME_OFFSET = 0x200;

    @TempDir
    Path dir;

    /** A qcow2 v3 header with 64 KiB clusters naming {@code backing} at {@value #NAME_OFFSET}, plus data after it. */
    private Path overlay(String backing) throws IOException {
        Path file = dir.resolve("vdi.qcow2");
        byte[] name = backing.getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile qcow2 = new RandomAccessFile(file.toFile(), "rw")) {
            qcow2.setLength(3 * 65536);
            qcow2.writeInt(0x514649fb);
            qcow2.writeInt(3);
            qcow2.writeLong(NAME_OFFSET);
            qcow2.writeInt(name.length);
            qcow2.writeInt(16);
            qcow2.seek(NAME_OFFSET);
            qcow2.write(name);
            qcow2.seek(65536);
            qcow2.write("cluster data".getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    @Test
    void givenOverlay_whenPointedAtALongerOrShorterPath_thenOnlyTheNameChangesAndTheRestStays() throws IOException {
        Path file = overlay("/var/lib/openvdi/pool-a/img-0123456789abcdef.raw");
        byte[] data = java.util.Arrays.copyOfRange(Files.readAllBytes(file), 65536, 3 * 65536);

        Qcow2BackingFile.rewrite(file, "/var/lib/openvdi/pool-berlin-2/img-0123456789abcdef.raw");
        assertThat(Qcow2BackingFile.read(file)).isEqualTo("/var/lib/openvdi/pool-berlin-2/img-0123456789abcdef.raw");

        Qcow2BackingFile.rewrite(file, "/p/img.raw");
        assertThat(Qcow2BackingFile.read(file)).isEqualTo("/p/img.raw");
        byte[] after = Files.readAllBytes(file);
        assertThat(java.util.Arrays.copyOfRange(after, NAME_OFFSET + 10, NAME_OFFSET + 100)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(after, 65536, 3 * 65536)).isEqualTo(data);
    }

    @Test
    void givenNoQcow2OrNoRoom_whenRewritten_thenRefusedAndTheFileIsLeftAsItWas() throws IOException {
        Path raw = dir.resolve("raw.img");
        Files.write(raw, new byte[4096]);
        assertThatThrownBy(() -> Qcow2BackingFile.rewrite(raw, "/x")).isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(raw)).containsOnly(0);

        Path file = overlay("/a");
        assertThatThrownBy(() -> Qcow2BackingFile.rewrite(file, "/" + "b".repeat(70_000))).isInstanceOf(IOException.class);
        assertThat(Qcow2BackingFile.read(file)).isEqualTo("/a");
    }
}
