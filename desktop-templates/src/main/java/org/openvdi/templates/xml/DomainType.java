package org.openvdi.templates.xml;

import java.util.Arrays;

/** The libvirt domain type a desktop is defined with. */
public enum DomainType {
    /** Hardware virtualization through /dev/kvm. */
    KVM("kvm"),
    /** Software emulation (QEMU TCG); slower, but boots wherever QEMU runs. */
    QEMU("qemu"),
    /** libvirt's in-memory test driver (test:///default); nothing really runs. */
    TEST("test");

    private final String xmlName;

    DomainType(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The value of {@code <domain type='...'>}. */
    public String xmlName() {
        return xmlName;
    }

    /** Whether a real QEMU process runs the domain (so QEMU-only devices and features apply). */
    public boolean runsQemu() {
        return this != TEST;
    }

    public static DomainType fromXmlName(String name) {
        return Arrays.stream(values())
                .filter(type -> type.xmlName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown domain type: " + name));
    }
}
