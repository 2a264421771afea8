package org.openvdi.templates.xml;

import static org.openvdi.templates.xml.XmlDocument.textElement;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Renders a desktop's libvirt domain XML. Every value goes through the XML writer, which escapes
 * it; user-typed text (the display name) only ever lands in {@code <title>}.
 *
 * <p>The disk is the desktop's qcow2 linked clone on virtio; the display is VNC with a password
 * and a libvirt-assigned port; a serial console is attached for diagnostics; a crashed guest is
 * destroyed rather than restarted, so the broker notices and recycles it. For
 * {@link DomainType#TEST} the same document is rendered without QEMU-only parts (features and the
 * USB tablet): libvirt's test driver stores whatever it parses but runs nothing.
 *
 * <p>From the template's descriptor come: a virtio NIC on a libvirt network or host bridge with a MAC derived
 * from the desktop id, the guest agent's virtio channel, the user's data disk as {@code vdb}, a directly booted
 * kernel, and the video card's starting resolution.
 */
public class DomainXmlRenderer {

    /** The virtio-serial port name the QEMU guest agent listens on. */
    public static final String GUEST_AGENT_CHANNEL = "org.qemu.guest_agent.0";

    public String render(DomainDefinition domain) {
        return XmlDocument.render(xml -> {
            xml.writeStartElement("domain");
            xml.writeAttribute("type", domain.type().xmlName());
            textElement(xml, "name", domain.domainName());
            textElement(xml, "title", domain.displayName());
            writeMetadata(xml, domain);
            xml.writeStartElement("memory");
            xml.writeAttribute("unit", "MiB");
            xml.writeCharacters(Integer.toString(domain.memoryMiB()));
            xml.writeEndElement();
            textElement(xml, "vcpu", Integer.toString(domain.vcpus()));
            writeOs(xml, domain.directBoot());
            if (domain.type().runsQemu()) {
                xml.writeStartElement("features");
                xml.writeEmptyElement("acpi");
                xml.writeEmptyElement("apic");
                xml.writeEndElement();
            }
            xml.writeEmptyElement("clock");
            xml.writeAttribute("offset", "utc");
            textElement(xml, "on_poweroff", "destroy");
            textElement(xml, "on_reboot", "restart");
            textElement(xml, "on_crash", "destroy");
            writeDevices(xml, domain);
            xml.writeEndElement();
        });
    }

    private static void writeMetadata(XMLStreamWriter xml, DomainDefinition domain) throws XMLStreamException {
        XmlDocument.ourMetadata(xml, LibvirtNames.METADATA_ELEMENT, desktop -> {
            desktop.writeAttribute("id", domain.desktopId());
            desktop.writeAttribute("host", domain.hostId());
            desktop.writeAttribute("image-sha256", domain.imageSha256());
        });
    }

    private static void writeOs(XMLStreamWriter xml, DirectBoot direct) throws XMLStreamException {
        xml.writeStartElement("os");
        textElement(xml, "type", "hvm");
        if (direct == null) {
            xml.writeEmptyElement("boot");
            xml.writeAttribute("dev", "hd");
        } else {
            textElement(xml, "kernel", direct.kernel());
            if (direct.initrd() != null) {
                textElement(xml, "initrd", direct.initrd());
            }
            if (direct.cmdline() != null) {
                textElement(xml, "cmdline", direct.cmdline());
            }
        }
        xml.writeEndElement();
    }

    private static void writeDevices(XMLStreamWriter xml, DomainDefinition domain) throws XMLStreamException {
        xml.writeStartElement("devices");
        writeDisk(xml, domain.diskPath(), "vda");
        if (domain.userDiskPath() != null) {
            writeDisk(xml, domain.userDiskPath(), "vdb");
        }
        if (domain.nic() != null) {
            writeInterface(xml, domain.nic());
        }
        xml.writeStartElement("serial");
        xml.writeAttribute("type", "pty");
        xml.writeEmptyElement("target");
        xml.writeAttribute("port", "0");
        xml.writeEndElement();
        xml.writeStartElement("console");
        xml.writeAttribute("type", "pty");
        xml.writeEmptyElement("target");
        xml.writeAttribute("type", "serial");
        xml.writeAttribute("port", "0");
        xml.writeEndElement();
        if (domain.type().runsQemu()) {
            // absolute pointer coordinates keep the VNC cursor in step with the guest's
            xml.writeEmptyElement("input");
            xml.writeAttribute("type", "tablet");
            xml.writeAttribute("bus", "usb");
        }
        xml.writeEmptyElement("graphics");
        xml.writeAttribute("type", "vnc");
        xml.writeAttribute("autoport", "yes");
        xml.writeAttribute("listen", domain.vncListenAddress());
        xml.writeAttribute("passwd", domain.vncPassword());
        if (domain.guestAgent()) {
            xml.writeStartElement("channel");
            xml.writeAttribute("type", "unix");
            xml.writeEmptyElement("target");
            xml.writeAttribute("type", "virtio");
            xml.writeAttribute("name", GUEST_AGENT_CHANNEL);
            xml.writeEndElement();
        }
        writeVideo(xml, domain);
        xml.writeEndElement();
    }

    private static void writeVideo(XMLStreamWriter xml, DomainDefinition domain) throws XMLStreamException {
        xml.writeStartElement("video");
        if (domain.resolution() == null) {
            xml.writeEmptyElement("model");
            xml.writeAttribute("type", domain.video().xmlName());
        } else {
            // libvirt 7.9 and later: the resolution the card starts with (the guest's first mode)
            xml.writeStartElement("model");
            xml.writeAttribute("type", domain.video().xmlName());
            xml.writeAttribute("heads", "1");
            xml.writeEmptyElement("resolution");
            xml.writeAttribute("x", Integer.toString(domain.resolution().width()));
            xml.writeAttribute("y", Integer.toString(domain.resolution().height()));
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private static void writeInterface(XMLStreamWriter xml, NetworkInterface nic) throws XMLStreamException {
        xml.writeStartElement("interface");
        xml.writeAttribute("type", nic.source().xmlType());
        xml.writeEmptyElement("mac");
        xml.writeAttribute("address", nic.macAddress());
        xml.writeEmptyElement("source");
        xml.writeAttribute(nic.source().sourceAttribute(), nic.sourceName());
        xml.writeEmptyElement("model");
        xml.writeAttribute("type", "virtio");
        xml.writeEndElement();
    }

    private static void writeDisk(XMLStreamWriter xml, String path, String target) throws XMLStreamException {
        xml.writeStartElement("disk");
        xml.writeAttribute("type", "file");
        xml.writeAttribute("device", "disk");
        xml.writeEmptyElement("driver");
        xml.writeAttribute("name", "qemu");
        xml.writeAttribute("type", "qcow2");
        xml.writeEmptyElement("source");
        xml.writeAttribute("file", path);
        xml.writeEmptyElement("target");
        xml.writeAttribute("dev", target);
        xml.writeAttribute("bus", "virtio");
        xml.writeEndElement();
    }
}
