package org.openvdi.templates.xml;

import java.util.Arrays;

/** Disk image formats a template image or clone may have. */
public enum ImageFormat {
    RAW("raw"),
    QCOW2("qcow2");

    private final String xmlName;

    ImageFormat(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The value of {@code <format type='...'/>}; also the file extension of its volumes. */
    public String xmlName() {
        return xmlName;
    }

    public static ImageFormat fromXmlName(String name) {
        return Arrays.stream(values())
                .filter(format -> format.xmlName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown image format: " + name));
    }
}
