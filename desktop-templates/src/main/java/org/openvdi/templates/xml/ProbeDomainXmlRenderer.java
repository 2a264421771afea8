package org.openvdi.templates.xml;

import static org.openvdi.templates.xml.XmlDocument.textElement;

/**
 * Renders the domain XML of an acceleration probe: a transient guest with no disk, no network, no
 * display and 16 MiB, whose firmware (SeaBIOS) runs its power-on self test, finds no bootable device
 * and asks for a reboot at once ({@code rebootTimeout='0'}); {@code on_reboot} is {@code destroy},
 * so the transient domain is gone as soon as the firmware has run to its end. How long that takes
 * tells how fast the host executes guest code under the domain type. Our metadata names the host;
 * the domain has no desktop id, so inventory and drift reconciliation never count it.
 */
public class ProbeDomainXmlRenderer {

    private static final int MEMORY_MIB = 16;

    public String render(ProbeDomainDefinition probe) {
        return XmlDocument.render(xml -> {
            xml.writeStartElement("domain");
            xml.writeAttribute("type", probe.type().xmlName());
            textElement(xml, "name", probe.domainName());
            textElement(xml, "title", "OpenVDI acceleration probe");
            XmlDocument.ourMetadata(xml, LibvirtNames.PROBE_METADATA_ELEMENT,
                    element -> element.writeAttribute("host", probe.hostId()));
            xml.writeStartElement("memory");
            xml.writeAttribute("unit", "MiB");
            xml.writeCharacters(Integer.toString(MEMORY_MIB));
            xml.writeEndElement();
            textElement(xml, "vcpu", "1");
            xml.writeStartElement("os");
            textElement(xml, "type", "hvm");
            xml.writeEmptyElement("boot");
            xml.writeAttribute("dev", "hd");
            xml.writeEmptyElement("bios");
            xml.writeAttribute("rebootTimeout", "0");
            xml.writeEndElement();
            textElement(xml, "on_poweroff", "destroy");
            textElement(xml, "on_reboot", "destroy");
            textElement(xml, "on_crash", "destroy");
            // no disk, network or graphics; libvirt's default USB controller and balloon are left out too
            xml.writeStartElement("devices");
            xml.writeEmptyElement("controller");
            xml.writeAttribute("type", "usb");
            xml.writeAttribute("model", "none");
            xml.writeEmptyElement("memballoon");
            xml.writeAttribute("model", "none");
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }
}
