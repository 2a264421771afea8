package org.openvdi.broker.hypervisor;

/**
 * A desktop found on a host by inventory.
 *
 * @param desktopId      our desktop id (from metadata or the domain/volume name)
 * @param domainExists   whether a domain is defined
 * @param running        whether that domain is running
 * @param volumeExists   whether its clone volume (system disk) exists
 * @param userDiskExists whether its user disk volume ({@code vdi-<id>-user.qcow2}) exists
 */
public record ManagedMachine(String desktopId, boolean domainExists, boolean running, boolean volumeExists,
                             boolean userDiskExists) {

    /** A desktop without user disk. */
    public ManagedMachine(String desktopId, boolean domainExists, boolean running, boolean volumeExists) {
        this(desktopId, domainExists, running, volumeExists, false);
    }

    /** Only a user disk is left of it: no domain and no system disk. */
    public boolean onlyUserDisk() {
        return userDiskExists && !domainExists && !volumeExists;
    }
}
