package org.openvdi.templates.descriptor;

/** How the gateway reaches a desktop's display. */
public enum DisplayProtocol {
    /** VNC with a per-desktop password, listening on the host's display address. */
    VNC
}
