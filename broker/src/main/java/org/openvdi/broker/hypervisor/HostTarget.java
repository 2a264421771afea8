package org.openvdi.broker.hypervisor;

/**
 * One hypervisor host as the adapter needs it.
 *
 * @param hostId         the broker's id of the host
 * @param uri            libvirt connection URI (test:///default, qemu:///system, qemu+ssh://...)
 * @param virtType       the virtualization type desktops are defined with: {@code KVM} or {@code QEMU} as
 *                       requested or as the host's acceleration probe decided, {@code AUTO} while it has not
 * @param storagePool    name of the libvirt storage pool (a dir pool) holding images and clones
 * @param displayAddress address on which VNC displays listen (and the gateway connects to)
 */
public record HostTarget(String hostId, String uri, VirtType virtType, String storagePool, String displayAddress) {
}
