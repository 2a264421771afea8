package org.openvdi.templates.descriptor;

/** When a started desktop is ready for its user. */
public enum Readiness {
    /** Its display answers the RFB handshake. */
    DISPLAY,
    /** Its QEMU guest agent answers (the guest must run the agent). */
    GUEST_AGENT
}
