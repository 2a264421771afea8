package org.openvdi.broker.hypervisor;

/**
 * What becomes of a persistent desktop's user disk ({@code vdi-<id>-user.qcow2}) when its domain and system
 * disk are destroyed.
 */
public enum UserDiskFate {
    /**
     * The user disk stays in the host's storage pool: the desktop is recomposed (provisioned again on a new
     * image, its next definition attaches the same user disk), or a policy keeps the data of a desktop gone.
     */
    KEEP,
    /** The user disk is deleted with the rest: the desktop itself is destroyed for good. */
    DELETE
}
