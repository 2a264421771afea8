package org.openvdi.templates.xml;

import static org.openvdi.templates.xml.XmlDocument.textElement;

/** Renders a libvirt {@code dir} storage pool: a directory on the host holding images and clones. */
public class StoragePoolXmlRenderer {

    public String render(StoragePoolDefinition pool) {
        return XmlDocument.render(xml -> {
            xml.writeStartElement("pool");
            xml.writeAttribute("type", "dir");
            textElement(xml, "name", pool.name());
            xml.writeStartElement("target");
            textElement(xml, "path", pool.targetPath());
            xml.writeEndElement();
            xml.writeEndElement();
        });
    }
}
