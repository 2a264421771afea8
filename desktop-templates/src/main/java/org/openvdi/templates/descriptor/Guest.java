package org.openvdi.templates.descriptor;

/**
 * What runs inside each desktop.
 *
 * @param os    the operating system's name, as people read it; null: not given
 * @param agent whether the guest runs the QEMU guest agent (then the domain gets its virtio channel)
 */
public record Guest(String os, boolean agent) {

    /** Nothing known about the guest: no agent. */
    public static final Guest UNKNOWN = new Guest(null, false);
}
