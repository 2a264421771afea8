package org.openvdi.templates.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.openvdi.templates.xml.ParsedXml.children;
import static org.openvdi.templates.xml.ParsedXml.only;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ProbeDomainXmlRendererTest {

    private static final String HOST_ID = "0e72e82d-8e91-4547-9d0b-ef8619db8db2";

    private final ProbeDomainXmlRenderer renderer = new ProbeDomainXmlRenderer();

    @Test
    void givenKvmProbe_whenRendered_thenDisklessGuestWhoseFirmwareRebootsAtOnceIntoItsEnd() throws Exception {
        Element domain = ParsedXml.parse(renderer.render(new ProbeDomainDefinition(HOST_ID, DomainType.KVM))).getDocumentElement();

        assertThat(domain.getAttribute("type")).isEqualTo("kvm");
        assertThat(only(domain, "name").getTextContent()).isEqualTo("vdi-probe-" + HOST_ID);
        assertThat(only(domain, "memory").getTextContent()).isEqualTo("16");
        assertThat(only(domain, "memory").getAttribute("unit")).isEqualTo("MiB");
        assertThat(only(domain, "vcpu").getTextContent()).isEqualTo("1");
        assertThat(only(domain, "os", "boot").getAttribute("dev")).isEqualTo("hd");
        assertThat(only(domain, "os", "bios").getAttribute("rebootTimeout")).isEqualTo("0");
        assertThat(only(domain, "on_reboot").getTextContent()).isEqualTo("destroy");
        assertThat(only(domain, "on_poweroff").getTextContent()).isEqualTo("destroy");
        Element devices = only(domain, "devices");
        assertThat(children(devices, "disk")).isEmpty();
        assertThat(children(devices, "interface")).isEmpty();
        assertThat(children(devices, "graphics")).isEmpty();
        assertThat(only(devices, "controller").getAttribute("model")).isEqualTo("none");
        assertThat(only(devices, "memballoon").getAttribute("model")).isEqualTo("none");
        NodeList probe = only(domain, "metadata").getElementsByTagNameNS(LibvirtNames.METADATA_NAMESPACE,
                LibvirtNames.PROBE_METADATA_ELEMENT);
        assertThat(probe.getLength()).isEqualTo(1);
        assertThat(((Element) probe.item(0)).getAttribute("host")).isEqualTo(HOST_ID);
        assertThat(only(domain, "metadata").getElementsByTagNameNS(LibvirtNames.METADATA_NAMESPACE,
                LibvirtNames.METADATA_ELEMENT).getLength()).isZero();
    }

    @Test
    void givenQemuProbe_whenRendered_thenOnlyTheTypeDiffers() throws Exception {
        String kvm = renderer.render(new ProbeDomainDefinition(HOST_ID, DomainType.KVM));
        String qemu = renderer.render(new ProbeDomainDefinition(HOST_ID, DomainType.QEMU));

        assertThat(ParsedXml.parse(qemu).getDocumentElement().getAttribute("type")).isEqualTo("qemu");
        assertThat(qemu.replace("type=\"qemu\"", "type=\"kvm\"")).isEqualTo(kvm);
    }

    @Test
    void givenUpperCaseHostId_whenRendered_thenNamedInCanonicalForm() throws Exception {
        Element domain = ParsedXml.parse(renderer.render(new ProbeDomainDefinition(HOST_ID.toUpperCase(), DomainType.QEMU)))
                .getDocumentElement();

        assertThat(only(domain, "name").getTextContent()).isEqualTo("vdi-probe-" + HOST_ID);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"test-host", "../../etc/passwd", "<name>x</name>", "$(rm -rf /)", HOST_ID + "'/><devices>"})
    void givenHostIdThatIsNotAUuid_whenDefined_thenRejected(String hostId) {
        assertThatIllegalArgumentException().isThrownBy(() -> new ProbeDomainDefinition(hostId, DomainType.KVM));
    }

    @Test
    void givenTestDriverType_whenDefined_thenRejectedBecauseNothingRunsToBeProbed() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ProbeDomainDefinition(HOST_ID, DomainType.TEST));
    }
}
