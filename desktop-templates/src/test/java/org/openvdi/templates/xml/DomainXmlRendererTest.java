package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openvdi.templates.xml.ParsedXml.children;
import static org.openvdi.templates.xml.ParsedXml.only;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class DomainXmlRendererTest {

    private static final String DESKTOP_ID = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";
    private static final String SHA = "a".repeat(64);
    private static final String DISK = "/var/lib/openvdi/pools/openvdi/vdi-" + DESKTOP_ID + ".qcow2";

    private final DomainXmlRenderer renderer = new DomainXmlRenderer();

    @Test
    void givenQemuDesktop_whenRendered_thenDomainHasDiskDisplayConsoleAndMetadata() throws Exception {
        DomainDefinition definition = definition("Alice's desktop", DomainType.QEMU);

        Element domain = ParsedXml.parse(renderer.render(definition)).getDocumentElement();

        assertThat(domain.getTagName()).isEqualTo("domain");
        assertThat(domain.getAttribute("type")).isEqualTo("qemu");
        assertThat(only(domain, "name").getTextContent()).isEqualTo("vdi-" + DESKTOP_ID);
        assertThat(only(domain, "title").getTextContent()).isEqualTo("Alice's desktop");
        assertThat(only(domain, "memory").getAttribute("unit")).isEqualTo("MiB");
        assertThat(only(domain, "memory").getTextContent()).isEqualTo("512");
        assertThat(only(domain, "vcpu").getTextContent()).isEqualTo("2");
        assertThat(only(domain, "os", "type").getTextContent()).isEqualTo("hvm");
        assertThat(only(domain, "os", "boot").getAttribute("dev")).isEqualTo("hd");
        assertThat(children(only(domain, "features"), "acpi")).hasSize(1);
        assertThat(only(domain, "on_crash").getTextContent()).isEqualTo("destroy");
        Element disk = only(domain, "devices", "disk");
        assertThat(disk.getAttribute("device")).isEqualTo("disk");
        assertThat(only(disk, "driver").getAttribute("type")).isEqualTo("qcow2");
        assertThat(only(disk, "source").getAttribute("file")).isEqualTo(DISK);
        assertThat(only(disk, "target").getAttribute("bus")).isEqualTo("virtio");
        Element graphics = only(domain, "devices", "graphics");
        assertThat(graphics.getAttribute("type")).isEqualTo("vnc");
        assertThat(graphics.getAttribute("autoport")).isEqualTo("yes");
        assertThat(graphics.getAttribute("listen")).isEqualTo("127.0.0.1");
        assertThat(graphics.getAttribute("passwd")).isEqualTo("s3cret!");
        assertThat(only(domain, "devices", "video", "model").getAttribute("type")).isEqualTo("vga");
        assertThat(only(domain, "devices", "serial").getAttribute("type")).isEqualTo("pty");
        assertThat(only(domain, "devices", "console", "target").getAttribute("type")).isEqualTo("serial");
        Element metadata = metadataElement(domain);
        assertThat(metadata.getAttribute("id")).isEqualTo(DESKTOP_ID);
        assertThat(metadata.getAttribute("host")).isEqualTo("host-1");
        assertThat(metadata.getAttribute("image-sha256")).isEqualTo(SHA);
    }

    @Test
    void givenTestDriverDesktop_whenRendered_thenTypeIsTestAndQemuOnlyPartsAreLeftOut() throws Exception {
        Element domain = ParsedXml.parse(renderer.render(definition("d", DomainType.TEST))).getDocumentElement();

        assertThat(domain.getAttribute("type")).isEqualTo("test");
        assertThat(children(domain, "features")).isEmpty();
        assertThat(children(only(domain, "devices"), "input")).isEmpty();
        assertThat(children(only(domain, "devices"), "graphics")).hasSize(1);
    }

    @Test
    void givenKvmDesktopWithVirtioVideo_whenRendered_thenTypeAndVideoFollow() throws Exception {
        DomainDefinition definition = new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.KVM, 1, 256, DISK, SHA,
                "0.0.0.0", "pw", VideoModel.VIRTIO);

        Element domain = ParsedXml.parse(renderer.render(definition)).getDocumentElement();

        assertThat(domain.getAttribute("type")).isEqualTo("kvm");
        assertThat(only(domain, "devices", "video", "model").getAttribute("type")).isEqualTo("virtio");
    }

    @ParameterizedTest
    @MethodSource("org.openvdi.templates.xml.HostileText#samples")
    void givenHostileDisplayName_whenRendered_thenTitleComesBackExactlyAndStructureHolds(String hostile) throws Exception {
        Element domain = ParsedXml.parse(renderer.render(definition(hostile, DomainType.QEMU))).getDocumentElement();

        assertThat(only(domain, "title").getTextContent()).isEqualTo(hostile);
        assertThat(only(domain, "name").getTextContent()).isEqualTo("vdi-" + DESKTOP_ID);
        assertThat(children(domain, "devices")).hasSize(1);
        assertThat(children(only(domain, "devices"), "disk")).hasSize(1);
        assertThat(domain.getElementsByTagName("script").getLength()).isZero();
        Element plain = ParsedXml.parse(renderer.render(definition("plain", DomainType.QEMU))).getDocumentElement();
        assertThat(ParsedXml.elementNames(domain)).isEqualTo(ParsedXml.elementNames(plain));
    }

    @ParameterizedTest
    @MethodSource("org.openvdi.templates.xml.HostileText#samples")
    void givenHostileHostIdAndPassword_whenRendered_thenAttributesComeBackExactly(String hostile) throws Exception {
        String password = hostile.substring(0, Math.min(8, hostile.length()));
        DomainDefinition definition = new DomainDefinition(DESKTOP_ID, hostile, "d", DomainType.QEMU, 1, 256, DISK, SHA,
                "127.0.0.1", password, VideoModel.VGA);

        Element domain = ParsedXml.parse(renderer.render(definition)).getDocumentElement();

        assertThat(metadataElement(domain).getAttribute("host")).isEqualTo(hostile);
        assertThat(only(domain, "devices", "graphics").getAttribute("passwd")).isEqualTo(password);
        assertThat(children(only(domain, "devices"), "graphics")).hasSize(1);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"desktop-1", "../../etc/passwd", "<script>", "$(rm -rf /)",
            "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f/../x", "3f2b8c1e4d5a4b6c9e7f0a1b2c3d4e5f", "vdi-3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f"})
    void givenDesktopIdThatIsNotAUuid_whenDefined_thenRejected(String desktopId) {
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(desktopId, "h", "d", DomainType.QEMU,
                1, 256, DISK, SHA, "127.0.0.1", "pw", VideoModel.VGA));
    }

    @Test
    void givenUpperCaseUuid_whenDefined_thenDomainNameIsLowerCase() {
        DomainDefinition definition = new DomainDefinition(DESKTOP_ID.toUpperCase(), "h", "d", DomainType.QEMU,
                1, 256, DISK, SHA, "127.0.0.1", "pw", VideoModel.VGA);

        assertThat(definition.domainName()).isEqualTo("vdi-" + DESKTOP_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"line\nbreak", "carriage\rreturn", "nul\u0000byte", "bell\u0007", "lone \uD800 surrogate", " "})
    void givenDisplayNameXmlCannotCarry_whenDefined_thenRejected(String displayName) {
        assertThatIllegalArgumentException().isThrownBy(() -> definition(displayName, DomainType.QEMU));
    }

    @Test
    void givenInvalidFields_whenDefined_thenEachIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU,
                1, 256, DISK, SHA, "127.0.0.1", "longer-than-8", VideoModel.VGA));
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU,
                1, 256, "relative/disk.qcow2", SHA, "127.0.0.1", "pw", VideoModel.VGA));
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU,
                1, 256, DISK, "not-a-sha", "127.0.0.1", "pw", VideoModel.VGA));
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU,
                0, 256, DISK, SHA, "127.0.0.1", "pw", VideoModel.VGA));
        assertThatIllegalArgumentException().isThrownBy(() -> new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU,
                1, 1, DISK, SHA, "127.0.0.1", "pw", VideoModel.VGA));
    }

    private static DomainDefinition definition(String displayName, DomainType type) {
        return new DomainDefinition(DESKTOP_ID, "host-1", displayName, type, 2, 512, DISK, SHA,
                "127.0.0.1", "s3cret!", VideoModel.VGA);
    }

    private static Element metadataElement(Element domain) {
        NodeList ours = only(domain, "metadata").getElementsByTagNameNS(LibvirtNames.METADATA_NAMESPACE, LibvirtNames.METADATA_ELEMENT);
        assertThat(ours.getLength()).isEqualTo(1);
        return (Element) ours.item(0);
    }
}
