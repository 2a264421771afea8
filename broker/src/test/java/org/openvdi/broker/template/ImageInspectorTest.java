package org.openvdi.broker.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;

/** Image paths on a real file system: links below the image directory never lead to the file opened. */
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
        Files.write(Files.createDirectories(images.resolve("win11")).resolve("v1.raw"), new byte[1024]);
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
