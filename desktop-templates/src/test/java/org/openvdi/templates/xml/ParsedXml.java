package org.openvdi.templates.xml;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** Parses rendered XML back with a strict, namespace-aware DOM parser, the way a consumer would. */
final class ParsedXml {

    private ParsedXml() {
    }

    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    /** Child elements of {@code parent} with the given (un-namespaced) name. */
    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getNamespaceURI() == null && element.getLocalName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    /** Names of every element in document order: the document's shape, without its text. */
    static List<String> elementNames(Element root) {
        List<String> names = new ArrayList<>();
        NodeList all = root.getElementsByTagName("*");
        names.add(root.getTagName());
        for (int i = 0; i < all.getLength(); i++) {
            names.add(((Element) all.item(i)).getTagName());
        }
        return names;
    }

    /** The only child element of that name; fails if there is none or more than one. */
    static Element only(Element parent, String name) {
        List<Element> found = children(parent, name);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one <" + name + "> in <" + parent.getTagName() + ">, found " + found.size());
        }
        return found.get(0);
    }

    /** Follows a path of single child elements, e.g. {@code only(root, "devices", "graphics")}. */
    static Element only(Element parent, String first, String... rest) {
        Element current = only(parent, first);
        for (String name : rest) {
            current = only(current, name);
        }
        return current;
    }
}
