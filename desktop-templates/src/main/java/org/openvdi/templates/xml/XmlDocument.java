package org.openvdi.templates.xml;

import java.io.StringWriter;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Runs a body against a fresh {@link XMLStreamWriter} and returns the document it wrote. */
final class XmlDocument {

    /** Writes the elements of one document. */
    @FunctionalInterface
    interface Body {
        void write(XMLStreamWriter xml) throws XMLStreamException;
    }

    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

    private XmlDocument() {
    }

    static String render(Body body) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = FACTORY.createXMLStreamWriter(out);
            try {
                body.write(xml);
                xml.writeEndDocument();
                xml.flush();
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException("could not write libvirt XML", e);
        }
        return out.toString();
    }

    /**
     * Writes {@code <metadata>} holding one element of ours ({@link LibvirtNames#METADATA_NAMESPACE});
     * {@code attributes} writes that element's attributes.
     */
    static void ourMetadata(XMLStreamWriter xml, String element, Body attributes) throws XMLStreamException {
        xml.writeStartElement("metadata");
        xml.writeStartElement(LibvirtNames.METADATA_PREFIX, element, LibvirtNames.METADATA_NAMESPACE);
        xml.writeNamespace(LibvirtNames.METADATA_PREFIX, LibvirtNames.METADATA_NAMESPACE);
        attributes.write(xml);
        xml.writeEndElement();
        xml.writeEndElement();
    }

    /** Writes {@code <name>text</name>}; the writer escapes the text. */
    static void textElement(XMLStreamWriter xml, String name, String text) throws XMLStreamException {
        xml.writeStartElement(name);
        xml.writeCharacters(text);
        xml.writeEndElement();
    }
}
