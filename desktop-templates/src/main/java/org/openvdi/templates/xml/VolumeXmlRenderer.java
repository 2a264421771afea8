package org.openvdi.templates.xml;

import static org.openvdi.templates.xml.XmlDocument.textElement;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Renders libvirt storage volume XML for template images and desktops' linked clones. */
public class VolumeXmlRenderer {

    /** A qcow2 volume {@code vdi-<desktopId>.qcow2} backed by the image volume. */
    public String renderClone(CloneVolumeDefinition clone) {
        return XmlDocument.render(xml -> {
            xml.writeStartElement("volume");
            xml.writeAttribute("type", "file");
            textElement(xml, "name", clone.volumeName());
            if (clone.capacityBytes() > 0) {
                writeCapacity(xml, clone.capacityBytes());
            }
            xml.writeStartElement("target");
            writeFormat(xml, ImageFormat.QCOW2);
            textElement(xml, "compat", "1.1");
            xml.writeEndElement();
            xml.writeStartElement("backingStore");
            textElement(xml, "path", clone.backingPath());
            writeFormat(xml, clone.backingFormat());
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    /**
     * A persistent desktop's user disk: an empty qcow2 volume {@code vdi-<desktopId>-user.qcow2} of the given
     * virtual size, without backing store (the guest formats it on first boot).
     */
    public String renderUserDisk(String desktopId, long capacityBytes) {
        if (capacityBytes <= 0) {
            throw new IllegalArgumentException("a user disk needs a positive capacity");
        }
        return XmlDocument.render(xml -> {
            xml.writeStartElement("volume");
            xml.writeAttribute("type", "file");
            textElement(xml, "name", LibvirtNames.userDiskVolumeName(desktopId));
            writeCapacity(xml, capacityBytes);
            xml.writeStartElement("allocation");
            xml.writeCharacters("0");
            xml.writeEndElement();
            xml.writeStartElement("target");
            writeFormat(xml, ImageFormat.QCOW2);
            textElement(xml, "compat", "1.1");
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    /** An image volume of the given format and capacity, named {@code img-<sha256 first 16 hex>.<ext>}. */
    public String renderImage(ImageVolumeDefinition image) {
        return renderFile(image.volumeName(), image.format(), image.capacityBytes());
    }

    /**
     * An empty raw file named like the image, to be filled by a volume upload. libvirt's upload
     * writes over a file without truncating it, so only an empty target ends up byte-identical to
     * the uploaded image; a qcow2 placeholder would keep its own header bytes past a smaller upload.
     * The pool refresh after the upload probes the real format, and clones name their backing
     * format explicitly, so the placeholder's format is never relied on.
     */
    public String renderUploadTarget(ImageVolumeDefinition image) {
        return renderFile(image.volumeName(), ImageFormat.RAW, 0);
    }

    /**
     * An empty raw file of the given name, to be filled by a volume upload (a desktop's volume moved from another
     * host): as with {@link #renderUploadTarget(ImageVolumeDefinition)}, only an empty target ends up byte-identical.
     */
    public String renderUploadTarget(String volumeName) {
        return renderFile(volumeName, ImageFormat.RAW, 0);
    }

    private static String renderFile(String name, ImageFormat format, long capacityBytes) {
        return XmlDocument.render(xml -> {
            xml.writeStartElement("volume");
            xml.writeAttribute("type", "file");
            textElement(xml, "name", name);
            writeCapacity(xml, capacityBytes);
            xml.writeStartElement("target");
            writeFormat(xml, format);
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }

    private static void writeCapacity(XMLStreamWriter xml, long bytes) throws XMLStreamException {
        xml.writeStartElement("capacity");
        xml.writeAttribute("unit", "bytes");
        xml.writeCharacters(Long.toString(bytes));
        xml.writeEndElement();
    }

    private static void writeFormat(XMLStreamWriter xml, ImageFormat format) throws XMLStreamException {
        xml.writeEmptyElement("format");
        xml.writeAttribute("type", format.xmlName());
    }
}
