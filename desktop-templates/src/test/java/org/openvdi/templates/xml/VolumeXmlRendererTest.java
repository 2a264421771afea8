package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openvdi.templates.xml.ParsedXml.children;
import static org.openvdi.templates.xml.ParsedXml.only;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

class VolumeXmlRendererTest {

    private static final String DESKTOP_ID = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";
    private static final String SHA = "0123456789abcdef" + "f".repeat(48);
    private static final String IMAGE_PATH = "/var/lib/openvdi/pools/openvdi/img-0123456789abcdef.raw";

    private final VolumeXmlRenderer renderer = new VolumeXmlRenderer();

    @Test
    void givenUserDisk_whenRendered_thenEmptyQcow2VolumeNamedAfterTheDesktopWithoutBackingStore() throws Exception {
        Element volume = ParsedXml.parse(renderer.renderUserDisk(DESKTOP_ID.toUpperCase(), 4L << 30)).getDocumentElement();

        assertThat(only(volume, "name").getTextContent()).isEqualTo("vdi-" + DESKTOP_ID + "-user.qcow2");
        assertThat(only(volume, "capacity").getTextContent()).isEqualTo(Long.toString(4L << 30));
        assertThat(only(volume, "capacity").getAttribute("unit")).isEqualTo("bytes");
        assertThat(only(volume, "target", "format").getAttribute("type")).isEqualTo("qcow2");
        assertThat(children(volume, "backingStore")).isEmpty();
    }

    @Test
    void givenUserDiskWithoutSizeOrWithForeignId_whenRendered_thenRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> renderer.renderUserDisk(DESKTOP_ID, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> renderer.renderUserDisk("../etc/passwd", 1L << 30));
    }

    @Test
    void givenCloneOfRawImage_whenRendered_thenQcow2VolumeIsBackedByTheImage() throws Exception {
        CloneVolumeDefinition clone = new CloneVolumeDefinition(DESKTOP_ID, IMAGE_PATH, ImageFormat.RAW, 64L << 20);

        Element volume = ParsedXml.parse(renderer.renderClone(clone)).getDocumentElement();

        assertThat(volume.getTagName()).isEqualTo("volume");
        assertThat(only(volume, "name").getTextContent()).isEqualTo("vdi-" + DESKTOP_ID + ".qcow2");
        assertThat(only(volume, "capacity").getTextContent()).isEqualTo(Long.toString(64L << 20));
        assertThat(only(volume, "capacity").getAttribute("unit")).isEqualTo("bytes");
        assertThat(only(volume, "target", "format").getAttribute("type")).isEqualTo("qcow2");
        assertThat(only(volume, "backingStore", "path").getTextContent()).isEqualTo(IMAGE_PATH);
        assertThat(only(volume, "backingStore", "format").getAttribute("type")).isEqualTo("raw");
    }

    @Test
    void givenCloneWithoutCapacity_whenRendered_thenCapacityIsLeftToTheBackingImage() throws Exception {
        CloneVolumeDefinition clone = new CloneVolumeDefinition(DESKTOP_ID, IMAGE_PATH, ImageFormat.QCOW2, 0);

        Element volume = ParsedXml.parse(renderer.renderClone(clone)).getDocumentElement();

        assertThat(children(volume, "capacity")).isEmpty();
        assertThat(only(volume, "backingStore", "format").getAttribute("type")).isEqualTo("qcow2");
    }

    @ParameterizedTest
    @MethodSource("org.openvdi.templates.xml.HostileText#samples")
    void givenHostileBackingPath_whenRendered_thenPathComesBackExactly(String hostile) throws Exception {
        String path = "/pool/" + hostile + ".raw";
        CloneVolumeDefinition clone = new CloneVolumeDefinition(DESKTOP_ID, path, ImageFormat.RAW, 1);

        Element volume = ParsedXml.parse(renderer.renderClone(clone)).getDocumentElement();

        assertThat(only(volume, "backingStore", "path").getTextContent()).isEqualTo(path);
        assertThat(only(volume, "name").getTextContent()).isEqualTo("vdi-" + DESKTOP_ID + ".qcow2");
        assertThat(ParsedXml.elementNames(volume))
                .containsExactly("volume", "name", "capacity", "target", "format", "compat", "backingStore", "path", "format");
    }

    @Test
    void givenQcow2Image_whenRendered_thenVolumeIsNamedAfterItsChecksumWithCapacityAndFormat() throws Exception {
        ImageVolumeDefinition image = new ImageVolumeDefinition(SHA, ImageFormat.QCOW2, 1234);

        Element volume = ParsedXml.parse(renderer.renderImage(image)).getDocumentElement();

        assertThat(only(volume, "name").getTextContent()).isEqualTo("img-0123456789abcdef.qcow2");
        assertThat(only(volume, "capacity").getTextContent()).isEqualTo("1234");
        assertThat(only(volume, "target", "format").getAttribute("type")).isEqualTo("qcow2");
    }

    @Test
    void givenImageToUpload_whenUploadTargetRendered_thenItIsAnEmptyRawFileNamedLikeTheImage() throws Exception {
        ImageVolumeDefinition image = new ImageVolumeDefinition(SHA.toUpperCase(), ImageFormat.QCOW2, 1234);

        Element volume = ParsedXml.parse(renderer.renderUploadTarget(image)).getDocumentElement();

        assertThat(only(volume, "name").getTextContent()).isEqualTo("img-0123456789abcdef.qcow2");
        assertThat(only(volume, "capacity").getTextContent()).isEqualTo("0");
        assertThat(only(volume, "target", "format").getAttribute("type")).isEqualTo("raw");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "<script>", "$(rm -rf /)", "x'; DROP TABLE desktops;--", ""})
    void givenCloneForNonUuidDesktopId_whenDefined_thenRejected(String desktopId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new CloneVolumeDefinition(desktopId, IMAGE_PATH, ImageFormat.RAW, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "abc", "gggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggggg", "0123456789abcdef"})
    void givenImageWithInvalidChecksum_whenDefined_thenRejected(String sha256) {
        assertThatIllegalArgumentException().isThrownBy(() -> new ImageVolumeDefinition(sha256, ImageFormat.RAW, 1));
    }

    @Test
    void givenRelativeBackingPathOrNegativeCapacity_whenDefined_thenRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new CloneVolumeDefinition(DESKTOP_ID, "img.raw", ImageFormat.RAW, 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new CloneVolumeDefinition(DESKTOP_ID, IMAGE_PATH, ImageFormat.RAW, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> new ImageVolumeDefinition(SHA, ImageFormat.RAW, -1));
    }
}
