package org.openvdi.broker.desktop.api;

/** How far a persistent desktop's move to another host has come: stored by name in {@code desktop_view.move_phase}. */
public enum DesktopMovePhase {
    /** Asked for: the move process has not begun. */
    REQUESTED,
    /** The move process is copying the desktop's volumes. */
    STARTED,
    /** The volumes are on the new host and their checksums match; the domain is defined there next. */
    COPIED
}
