package org.openvdi.contract;

/**
 * Why a viewer who joined a shared session is cut off: the owner withdrew the share, it ran out, the session ended, or
 * the owner is no longer connected. The gateway closes the viewer's tunnels with the failure of the same name, and the
 * viewer's page says which.
 */
public enum ViewerCut {
    SHARE_REVOKED, SHARE_EXPIRED, SESSION_ENDED, SHARE_OWNER_ABSENT
}
