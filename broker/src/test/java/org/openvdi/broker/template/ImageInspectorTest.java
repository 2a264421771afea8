package org.openvdi.broker.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/**
 * Image paths on a real file system: links below the image directory never lead to the file opened. Image
 * headers: only self-contained qcow2 images and raw disks with a boot signature are images.
 */
class ImageInspectorTest {

    @TempDir
    Path root;
    Path images;
    Path outside;
    ImageInspector inspector;

    @BeforeEach
    void directories() throws IOException {
        images = Files.createDirectories(root.resolve("images"));
        outside = Files.createDirectories(root.resolve("outside"));
        Files.write(Files.createDirectories(images.resolve("win11")).resolve("v1.raw"), TestImages.withBootSignature(new byte[1024]));
        Files.writeString(outside.resolve("shadow"), "root:x:0:0");
        inspector = new ImageInspector(new ImageProperties(List.of(images.toString())));
    }

    @Test
    void givenImageInASubdirectory_whenInspected_thenItsLinkFreePathAndChecksumAreRecorded() {
        ImageInspector.Inspection inspection = inspector.inspect(images.resolve("win11/v1.raw").toString());

        assertThat(inspection.path()).isEqualTo(images.resolve("win11/v1.raw"));
        assertThat(inspection.sizeBytes()).isEqualTo(1024);
        assertThat(inspection.format()).isEqualTo("raw");
    }

    @Test
    void givenLinkedDirectoryInsideTheImageDirectory_whenInspectedThroughIt_thenImagePathNotAllowed() throws IOException {
        Files.createSymbolicLink(images.resolve("escape"), outside);

        assertCode(images.resolve("escape/shadow").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
    }

    @Test
    void givenLinkedDirectoryDeeperDown_whenInspectedThroughIt_thenImagePathNotAllowed() throws IOException {
        Files.createSymbolicLink(images.resolve("win11/escape"), outside);

        assertCode(images.resolve("win11/escape/shadow").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
    }

    @Test
    void givenLinkedFileOrLinkPointingInside_whenInspected_thenImagePathNotAllowed() throws IOException {
        Files.createSymbolicLink(images.resolve("shadow.raw"), outside.resolve("shadow"));
        Files.createSymbolicLink(images.resolve("alias"), images.resolve("win11"));

        assertCode(images.resolve("shadow.raw").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertCode(images.resolve("alias/v1.raw").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
    }

    @Test
    void givenImageDirectoryThatIsItselfALink_whenImageInsideIsInspected_thenAcceptedUnderItsRealPath() throws IOException {
        Path linkedImages = Files.createSymbolicLink(root.resolve("images-link"), images);
        ImageInspector throughLink = new ImageInspector(new ImageProperties(List.of(linkedImages.toString())));

        assertThat(throughLink.inspect(linkedImages.resolve("win11/v1.raw").toString()).path())
                .isEqualTo(images.toRealPath().resolve("win11/v1.raw"));
    }

    @Test
    void givenTraversalMissingFileOrDirectory_whenInspected_thenRefused() {
        assertCode(images + "/../outside/shadow", ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertCode(outside.resolve("shadow").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertCode(images.toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertCode(images.resolve("missing.raw").toString(), ErrorCode.IMAGE_UNREADABLE);
        assertCode(images.resolve("win11").toString(), ErrorCode.IMAGE_UNREADABLE);
    }

    @Test
    void givenFilesThatAreNoDiskImage_whenInspected_thenImageInvalid() throws IOException {
        Files.writeString(images.resolve("notes.txt"), "This is not a disk image, just some text.\n".repeat(20));
        Files.write(images.resolve("tiny.img"), Arrays.copyOf(("A text file of 83 bytes, once published as version 2"
                + " of a template, which it never was.\n").getBytes(StandardCharsets.US_ASCII), 83));
        Files.write(images.resolve("unsigned.raw"), new byte[64 * 1024]);
        Files.write(images.resolve("empty.raw"), new byte[0]);

        assertThat(Files.size(images.resolve("tiny.img"))).isEqualTo(83);
        for (String name : List.of("notes.txt", "tiny.img", "unsigned.raw", "empty.raw")) {
            assertInvalid(name, "neither a qcow2 header nor a raw disk");
        }
    }

    @Test
    void givenQcow2ThatNamesABackingFile_whenInspected_thenImageInvalid() throws IOException {
        Files.write(images.resolve("backed.qcow2"), qcow2Header(3, 1L << 30, 104, "/etc/shadow"));
        Files.write(images.resolve("backed-v2.qcow2"), qcow2Header(2, 1L << 30, 72, "/etc/shadow"));

        assertInvalid("backed.qcow2", "backing file");
        assertInvalid("backed-v2.qcow2", "backing file");
    }

    @Test
    void givenQcow2WithAnExternalDataFile_whenInspected_thenImageInvalid() throws IOException {
        byte[] header = qcow2Header(3, 1L << 30, 104, null);
        header[72 + 7] = 1 << 2;   // incompatible feature bit 2: external data file
        Files.write(images.resolve("external.qcow2"), header);

        assertInvalid("external.qcow2", "external file");
    }

    @Test
    void givenTruncatedOrUnknownQcow2Header_whenInspected_thenImageInvalid() throws IOException {
        byte[] whole = qcow2Header(3, 1L << 30, 104, null);
        Files.write(images.resolve("cut.qcow2"), Arrays.copyOf(whole, 60));
        Files.write(images.resolve("magic-only.qcow2"), Arrays.copyOf(whole, 4));
        byte[] v4 = qcow2Header(3, 1L << 30, 104, null);
        v4[7] = 4;
        Files.write(images.resolve("v4.qcow2"), v4);

        assertInvalid("cut.qcow2", "truncated");
        assertInvalid("magic-only.qcow2", "truncated");
        assertInvalid("v4.qcow2", "version 4");
    }

    @Test
    void givenRawDisksWithMbrOrGptAndSelfContainedQcow2_whenInspected_thenAcceptedWithTheirFormat() throws IOException {
        byte[] gpt = new byte[4096];
        System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, gpt, 512, 8);
        Files.write(images.resolve("gpt.raw"), gpt);
        Files.write(images.resolve("written.qcow2"), qcow2Header(3, 1L << 30, 104, null));

        assertThat(inspector.inspect(images.resolve("win11/v1.raw").toString()).format()).isEqualTo("raw");
        assertThat(inspector.inspect(images.resolve("gpt.raw").toString()).format()).isEqualTo("raw");
        assertThat(inspector.inspect(images.resolve("written.qcow2").toString()).format()).isEqualTo("qcow2");
    }

    @Test
    void givenQcow2MadeByQemuImg_whenInspected_thenAcceptedUnlessItHasABackingFile() throws Exception {
        Assumptions.assumeTrue(qemuImg("--version") == 0, "qemu-img is not installed");
        assertThat(qemuImg("create", "-q", "-f", "qcow2", images.resolve("made.qcow2").toString(), "64M")).isZero();
        assertThat(qemuImg("create", "-q", "-f", "qcow2", "-o", "compat=0.10", images.resolve("made-v2.qcow2").toString(), "64M"))
                .isZero();
        assertThat(qemuImg("create", "-q", "-f", "qcow2", "-F", "raw", "-b", images.resolve("win11/v1.raw").toString(),
                images.resolve("overlay.qcow2").toString())).isZero();

        ImageInspector.Inspection made = inspector.inspect(images.resolve("made.qcow2").toString());
        assertThat(made.format()).isEqualTo("qcow2");
        assertThat(made.sizeBytes()).isEqualTo(Files.size(images.resolve("made.qcow2")));
        assertThat(inspector.inspect(images.resolve("made-v2.qcow2").toString()).format()).isEqualTo("qcow2");
        assertInvalid("overlay.qcow2", "backing file");
    }

    @Test
    void givenDeclaredFormat_whenItIsNotTheDetectedOne_thenImageInvalid() {
        ImageFormat.requireDeclared(null, "raw");
        ImageFormat.requireDeclared("raw", "raw");
        assertThatThrownBy(() -> ImageFormat.requireDeclared("qcow2", "raw"))
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_INVALID);
                    assertThat(e.getMessage()).contains("declared qcow2 but is raw");
                });
    }

    /** A qcow2 header (big-endian fields), optionally naming a backing file stored right after it. */
    private static byte[] qcow2Header(int version, long virtualSize, int headerLength, String backingFile) {
        byte[] name = backingFile == null ? new byte[0] : backingFile.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer header = ByteBuffer.allocate(512 + name.length);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(version);
        header.putLong(8, name.length == 0 ? 0 : 512).putInt(16, name.length);
        header.putInt(20, 16).putLong(24, virtualSize);
        if (version == 3) {
            header.putInt(96, 4).putInt(100, headerLength);
        }
        header.put(512, name);
        return header.array();
    }

    private static int qemuImg(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("qemu-img"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor();
        } catch (IOException e) {
            return -1;
        }
    }

    private void assertInvalid(String name, String reason) {
        assertThatThrownBy(() -> inspector.inspect(images.resolve(name).toString())).as(name)
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IMAGE_INVALID);
                    assertThat(e.getMessage()).contains(reason);
                });
    }

    // --- kernel and initrd of templates that boot directly ---

    @Test
    void givenKernelInsideTheImageDirectory_whenCheckedAsBootFile_thenItsLinkFreePathIsReturned() throws IOException {
        Path kernel = Files.write(Files.createDirectories(images.resolve("boot")).resolve("vmlinuz"), new byte[64]);
        Path linkedImages = Files.createSymbolicLink(root.resolve("images-link"), images);
        ImageInspector throughLink = new ImageInspector(new ImageProperties(List.of(linkedImages.toString())));

        assertThat(inspector.bootFile("boot.kernel", kernel.toString())).isEqualTo(kernel);
        assertThat(throughLink.bootFile("boot.kernel", linkedImages.resolve("boot/vmlinuz").toString()))
                .isEqualTo(images.toRealPath().resolve("boot/vmlinuz"));
    }

    @Test
    void givenBootFileOutsideThroughDotDotOrThroughALinkedDirectory_whenChecked_thenImagePathNotAllowedNamingTheKey()
            throws IOException {
        Files.createSymbolicLink(images.resolve("escape"), outside);
        Files.createSymbolicLink(images.resolve("initrd.img"), outside.resolve("shadow"));

        assertBootFileRefused("boot.kernel", "/etc/passwd", ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertBootFileRefused("boot.kernel", outside.resolve("shadow").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertBootFileRefused("boot.initrd", images + "/../outside/shadow", ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertBootFileRefused("boot.kernel", images.resolve("escape/shadow").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertBootFileRefused("boot.initrd", images.resolve("initrd.img").toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
        assertBootFileRefused("boot.kernel", images.toString(), ErrorCode.IMAGE_PATH_NOT_ALLOWED);
    }

    @Test
    void givenMissingBootFileOrADirectory_whenChecked_thenImageUnreadableNamingTheKey() {
        assertBootFileRefused("boot.kernel", images.resolve("vmlinuz-missing").toString(), ErrorCode.IMAGE_UNREADABLE);
        assertBootFileRefused("boot.initrd", images.resolve("win11").toString(), ErrorCode.IMAGE_UNREADABLE);
    }

    private void assertBootFileRefused(String key, String path, ErrorCode code) {
        assertThatThrownBy(() -> inspector.bootFile(key, path)).as(path)
                .isInstanceOfSatisfying(BrokerException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(key + ": ");
                });
    }

    private void assertCode(String path, ErrorCode code) {
        assertThatThrownBy(() -> inspector.inspect(path)).as(path)
                .isInstanceOfSatisfying(BrokerException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
