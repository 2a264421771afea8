package org.openvdi.broker.libvirt;

import java.util.Optional;
import org.openvdi.templates.xml.LibvirtNames;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reads what the adapter needs back out of a domain's XML description. */
final class DomainXmlReader {

    /** The VNC display as libvirt describes it; {@code port} is -1 until a running domain has one. */
    record VncGraphics(int port, String password) {
    }

    private DomainXmlReader() {
    }

    /** The first VNC {@code <graphics>} device of the domain, if there is one. */
    static Optional<VncGraphics> vncGraphics(String domainXml) {
        Element devices = firstChild(LibvirtXmlParser.parse(domainXml).getDocumentElement(), "devices");
        if (devices == null) {
            return Optional.empty();
        }
        for (Node node = devices.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element graphics && "graphics".equals(graphics.getLocalName())
                    && "vnc".equals(graphics.getAttribute("type"))) {
                return Optional.of(new VncGraphics(port(graphics.getAttribute("port")), graphics.getAttribute("passwd")));
            }
        }
        return Optional.empty();
    }

    /** The desktop id recorded in our metadata element, if the domain carries one. */
    static Optional<String> metadataDesktopId(String domainXml) {
        return metadata(domainXml).desktopId();
    }

    /** The broker host id recorded in our metadata element: which registered host defined the domain. */
    static Optional<String> metadataHostId(String domainXml) {
        return metadata(domainXml).hostId();
    }

    /** The desktop id and the broker host id recorded in our metadata element, from one parse of the XML. */
    static DomainMetadataCache.DomainMetadata metadata(String domainXml) {
        Document document = LibvirtXmlParser.parse(domainXml);
        Element metadata = firstChild(document.getDocumentElement(), "metadata");
        if (metadata == null) {
            return new DomainMetadataCache.DomainMetadata(Optional.empty(), Optional.empty());
        }
        NodeList ours = metadata.getElementsByTagNameNS(LibvirtNames.METADATA_NAMESPACE, LibvirtNames.METADATA_ELEMENT);
        if (ours.getLength() == 0) {
            return new DomainMetadataCache.DomainMetadata(Optional.empty(), Optional.empty());
        }
        Element element = (Element) ours.item(0);
        return new DomainMetadataCache.DomainMetadata(attribute(element, "id"), attribute(element, "host"));
    }

    private static Optional<String> attribute(Element element, String name) {
        String value = element.getAttribute(name);
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static Element firstChild(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getNamespaceURI() == null && name.equals(element.getLocalName())) {
                return element;
            }
        }
        return null;
    }

    private static int port(String value) {
        if (value.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("libvirt reported a non-numeric VNC port: " + value, e);
        }
    }
}
