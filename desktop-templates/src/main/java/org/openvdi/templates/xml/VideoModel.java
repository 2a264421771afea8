package org.openvdi.templates.xml;

/** Emulated graphics card of a desktop. */
public enum VideoModel {
    /** Standard VGA: every guest and firmware can draw on it, including a kernel text console. */
    VGA("vga"),
    /** virtio-gpu: faster and resizable, needs the guest's virtio_gpu driver. */
    VIRTIO("virtio");

    private final String xmlName;

    VideoModel(String xmlName) {
        this.xmlName = xmlName;
    }

    /** The value of {@code <model type='...'/>}. */
    public String xmlName() {
        return xmlName;
    }
}
