package org.openvdi.broker.libvirt;

import java.io.IOException;
import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Parses XML that libvirt returns (capabilities, domain descriptions) with a namespace-aware, hardened DOM parser. */
final class LibvirtXmlParser {

    private static final DocumentBuilderFactory FACTORY = hardenedFactory();

    private LibvirtXmlParser() {
    }

    static Document parse(String xml) {
        try {
            return FACTORY.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new HypervisorException("libvirt returned XML that cannot be parsed", false, e);
        }
    }

    private static DocumentBuilderFactory hardenedFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's DOM parser cannot be hardened", e);
        }
    }
}
