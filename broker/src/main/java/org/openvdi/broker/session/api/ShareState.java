package org.openvdi.broker.session.api;

/** Where a share link stands: unused, used by the viewer who joined, withdrawn, or run out unused. */
public enum ShareState {
    OPEN, JOINED, REVOKED, EXPIRED
}
