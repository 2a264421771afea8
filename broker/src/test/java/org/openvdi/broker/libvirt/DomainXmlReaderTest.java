package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.openvdi.broker.hypervisor.HypervisorException;

class DomainXmlReaderTest {

    private static final String ID = "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f";

    @Test
    void givenLiveXmlWithSecureInfo_whenRead_thenPortAndPasswordAreFound() {
        String xml = "<domain type='qemu'><name>vdi-" + ID + "</name><devices>"
                + "<graphics type='spice' port='5930'/>"
                + "<graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1' passwd='a&amp;&apos;&lt;b'>"
                + "<listen type='address' address='127.0.0.1'/></graphics></devices></domain>";

        assertThat(DomainXmlReader.vncGraphics(xml)).contains(new DomainXmlReader.VncGraphics(5901, "a&'<b"));
    }

    @Test
    void givenInactiveXml_whenRead_thenPortIsUnassigned() {
        String xml = "<domain><devices><graphics type='vnc' port='-1' autoport='yes'/></devices></domain>";

        assertThat(DomainXmlReader.vncGraphics(xml)).contains(new DomainXmlReader.VncGraphics(-1, ""));
    }

    @Test
    void givenDomainWithoutVnc_whenRead_thenNothing() {
        assertThat(DomainXmlReader.vncGraphics("<domain><devices/></domain>")).isEmpty();
        assertThat(DomainXmlReader.vncGraphics("<domain/>")).isEmpty();
    }

    @Test
    void givenOurMetadata_whenRead_thenDesktopIdIsFound() {
        String xml = "<domain><metadata><other:x xmlns:other='urn:other' id='nope'/>"
                + "<openvdi:desktop xmlns:openvdi='http://openvdi.org/xmlns/desktop/1' id='" + ID + "' host='h'/>"
                + "</metadata></domain>";

        assertThat(DomainXmlReader.metadataDesktopId(xml)).contains(ID);
    }

    @Test
    void givenForeignOrMissingMetadata_whenRead_thenNothing() {
        assertThat(DomainXmlReader.metadataDesktopId("<domain><metadata><desktop id='" + ID + "'/></metadata></domain>")).isEmpty();
        assertThat(DomainXmlReader.metadataDesktopId("<domain/>")).isEmpty();
    }

    @Test
    void givenXmlWithDoctype_whenRead_thenRejectedInsteadOfExpandingEntities() {
        String xml = "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain><title>&x;</title></domain>";

        assertThatThrownBy(() -> DomainXmlReader.metadataDesktopId(xml)).isInstanceOf(HypervisorException.class);
    }
}
