package org.openvdi.broker.hypervisor;

/**
 * Everything needed to define one desktop's domain.
 *
 * @param desktopId   our id; domain and volume names derive from it
 * @param displayName human-readable name, stored in the domain's title/metadata only (escaped)
 * @param vcpus       virtual CPUs
 * @param memoryMiB   memory in MiB
 * @param vncPassword per-desktop VNC password (at most 8 characters, as VNC allows)
 * @param image       the template image the clone is backed by
 */
public record MachineSpec(String desktopId, String displayName, int vcpus, int memoryMiB, String vncPassword, ImageSpec image) {
}
