package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openvdi.templates.xml.ParsedXml.children;
import static org.openvdi.templates.xml.ParsedXml.only;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;

/** The devices a template's descriptor adds to a desktop's domain: NIC, guest agent channel, user disk, direct boot. */
class DomainXmlDevicesTest {

    private static final String DESKTOP_ID = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";
    private static final String SHA = "a".repeat(64);
    private static final String POOL = "/var/lib/openvdi/pools/openvdi/";
    private static final String DISK = POOL + "vdi-" + DESKTOP_ID + ".qcow2";
    private static final String USER_DISK = POOL + LibvirtNames.userDiskVolumeName(DESKTOP_ID);
    private static final String MAC = LibvirtNames.macAddress(DESKTOP_ID);

    private final DomainXmlRenderer renderer = new DomainXmlRenderer();

    @Test
    void givenANetworkNic_whenRendered_thenAVirtioInterfaceOnThatNetworkWithTheDerivedMac() throws Exception {
        Element domain = render("d", new NetworkInterface(NetworkInterface.Source.NETWORK, "openvdi", MAC), false, null, null);

        Element nic = only(domain, "devices", "interface");
        assertThat(nic.getAttribute("type")).isEqualTo("network");
        assertThat(only(nic, "source").getAttribute("network")).isEqualTo("openvdi");
        assertThat(only(nic, "mac").getAttribute("address")).isEqualTo(MAC);
        assertThat(only(nic, "model").getAttribute("type")).isEqualTo("virtio");
        assertThat(children(only(domain, "devices"), "channel")).isEmpty();
        assertThat(children(only(domain, "devices"), "disk")).hasSize(1);
    }

    @Test
    void givenABridgeNic_whenRendered_thenABridgeInterface() throws Exception {
        Element domain = render("d", new NetworkInterface(NetworkInterface.Source.BRIDGE, "br0", MAC), false, null, null);

        Element nic = only(domain, "devices", "interface");
        assertThat(nic.getAttribute("type")).isEqualTo("bridge");
        assertThat(only(nic, "source").getAttribute("bridge")).isEqualTo("br0");
        assertThat(only(nic, "source").hasAttribute("network")).isFalse();
    }

    @Test
    void givenADesktopId_whenItsMacIsDerived_thenStableLocallyAdministeredUnicastAndDifferentPerDesktop() {
        assertThat(LibvirtNames.macAddress(DESKTOP_ID)).isEqualTo(LibvirtNames.macAddress(DESKTOP_ID.toUpperCase()))
                .matches("52:54:00(:[0-9a-f]{2}){3}");
        assertThat(LibvirtNames.macAddress("00000000-0000-0000-0000-000000000001"))
                .isNotEqualTo(LibvirtNames.macAddress("00000000-0000-0000-0000-000000000002"));
        assertThatIllegalArgumentException().isThrownBy(() -> LibvirtNames.macAddress("not-a-uuid"));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new NetworkInterface(NetworkInterface.Source.NETWORK, "openvdi", "53:54:00:00:00:01"));
        assertThatIllegalArgumentException().isThrownBy(
                () -> new NetworkInterface(NetworkInterface.Source.NETWORK, "a'/><x", MAC));
    }

    @Test
    void givenAGuestAgent_whenRendered_thenItsVirtioChannel() throws Exception {
        Element domain = render("d", null, true, null, null);

        Element channel = only(domain, "devices", "channel");
        assertThat(channel.getAttribute("type")).isEqualTo("unix");
        assertThat(only(channel, "target").getAttribute("type")).isEqualTo("virtio");
        assertThat(only(channel, "target").getAttribute("name")).isEqualTo("org.qemu.guest_agent.0");
        assertThat(children(only(domain, "devices"), "interface")).isEmpty();
    }

    @Test
    void givenAUserDisk_whenRendered_thenASecondVirtioDiskVdb() throws Exception {
        Element domain = render("d", null, false, USER_DISK, null);

        List<Element> disks = children(only(domain, "devices"), "disk");
        assertThat(disks).hasSize(2);
        assertThat(only(disks.get(0), "target").getAttribute("dev")).isEqualTo("vda");
        assertThat(only(disks.get(1), "target").getAttribute("dev")).isEqualTo("vdb");
        assertThat(only(disks.get(1), "target").getAttribute("bus")).isEqualTo("virtio");
        assertThat(only(disks.get(1), "driver").getAttribute("type")).isEqualTo("qcow2");
        assertThat(only(disks.get(1), "source").getAttribute("file")).isEqualTo(USER_DISK);
        assertThat(USER_DISK).endsWith("vdi-" + DESKTOP_ID + "-user.qcow2");
        assertThat(LibvirtNames.desktopIdOfCloneVolume(LibvirtNames.userDiskVolumeName(DESKTOP_ID))).isEmpty();
    }

    @Test
    void givenADirectBootAndAResolution_whenRendered_thenKernelInitrdCmdlineAndTheVideoResolution() throws Exception {
        DomainDefinition definition = new DomainDefinition(DESKTOP_ID, "h", "d", DomainType.QEMU, 1, 256, DISK, SHA,
                "127.0.0.1", "pw", VideoModel.VIRTIO, new Resolution(1280, 800), null, false, null,
                new DirectBoot("/images/vmlinuz", "/images/initrd.img", "root=/dev/vda console=tty0 x='<&>'"));

        Element domain = ParsedXml.parse(renderer.render(definition)).getDocumentElement();

        assertThat(children(only(domain, "os"), "boot")).isEmpty();
        assertThat(only(domain, "os", "kernel").getTextContent()).isEqualTo("/images/vmlinuz");
        assertThat(only(domain, "os", "initrd").getTextContent()).isEqualTo("/images/initrd.img");
        assertThat(only(domain, "os", "cmdline").getTextContent()).isEqualTo("root=/dev/vda console=tty0 x='<&>'");
        Element model = only(domain, "devices", "video", "model");
        assertThat(model.getAttribute("type")).isEqualTo("virtio");
        assertThat(only(model, "resolution").getAttribute("x")).isEqualTo("1280");
        assertThat(only(model, "resolution").getAttribute("y")).isEqualTo("800");
    }

    @ParameterizedTest
    @MethodSource("org.openvdi.templates.xml.HostileText#samples")
    void givenMetacharactersInNamesAndPaths_whenRenderedWithEveryDevice_thenEscapedAndReadBackAsTyped(String hostile)
            throws Exception {
        String userDisk = POOL + "user " + hostile.replace("\uD83D\uDDA5", "");
        DomainDefinition definition = new DomainDefinition(DESKTOP_ID, "h", hostile, DomainType.QEMU, 1, 256, DISK, SHA,
                "127.0.0.1", "pw", VideoModel.VGA, null,
                new NetworkInterface(NetworkInterface.Source.NETWORK, "openvdi", MAC), true, userDisk,
                new DirectBoot("/k", null, hostile));

        Element domain = ParsedXml.parse(renderer.render(definition)).getDocumentElement();

        assertThat(only(domain, "title").getTextContent()).isEqualTo(hostile);
        assertThat(only(domain, "os", "cmdline").getTextContent()).isEqualTo(hostile);
        assertThat(only(children(only(domain, "devices"), "disk").get(1), "source").getAttribute("file")).isEqualTo(userDisk);
        assertThat(children(only(domain, "devices"), "interface")).hasSize(1);
        assertThat(children(only(domain, "devices"), "channel")).hasSize(1);
        assertThat(children(domain, "devices")).hasSize(1);
    }

    private Element render(String name, NetworkInterface nic, boolean agent, String userDisk, DirectBoot boot) throws Exception {
        return ParsedXml.parse(renderer.render(new DomainDefinition(DESKTOP_ID, "h", name, DomainType.QEMU, 1, 256, DISK,
                SHA, "127.0.0.1", "pw", VideoModel.VGA, null, nic, agent, userDisk, boot))).getDocumentElement();
    }
}
