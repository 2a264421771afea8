package org.openvdi.broker.hypervisor;

/**
 * A desktop found on a host by inventory.
 *
 * @param desktopId    our desktop id (from metadata or the domain/volume name)
 * @param domainExists whether a domain is defined
 * @param running      whether that domain is running
 * @param volumeExists whether its clone volume exists
 */
public record ManagedMachine(String desktopId, boolean domainExists, boolean running, boolean volumeExists) {
}
