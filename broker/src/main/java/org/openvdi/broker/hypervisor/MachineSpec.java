package org.openvdi.broker.hypervisor;

import org.openvdi.templates.descriptor.Display;
import org.openvdi.templates.descriptor.KernelBoot;
import org.openvdi.templates.descriptor.Network;

/**
 * Everything needed to define one desktop's domain.
 *
 * @param desktopId   our id; domain and volume names derive from it
 * @param displayName human-readable name, stored in the domain's title/metadata only (escaped)
 * @param vcpus       virtual CPUs
 * @param memoryMiB   memory in MiB
 * @param vncPassword per-desktop VNC password (at most 8 characters, as VNC allows)
 * @param image       the template image the clone is backed by
 * @param network     the libvirt network or bridge of the desktop's virtio NIC; null: no NIC
 * @param macAddress  the NIC's MAC address, derived from the desktop id (so a retry defines the same domain)
 * @param guestAgent  whether the guest runs the QEMU guest agent (the domain gets its channel)
 * @param userDiskGiB size of the user's data disk ({@code vdb}) of a persistent desktop; null: none
 * @param display     video card and starting resolution
 * @param kernel      a kernel to boot directly; null: boot the disk
 */
public record MachineSpec(String desktopId, String displayName, int vcpus, int memoryMiB, String vncPassword, ImageSpec image,
                          Network network, String macAddress, boolean guestAgent, Integer userDiskGiB, Display display,
                          KernelBoot kernel) {

    public MachineSpec {
        if (display == null) {
            display = Display.DEFAULT;
        }
    }

    /** A desktop without NIC, guest agent, user disk or direct boot, on VGA. */
    public MachineSpec(String desktopId, String displayName, int vcpus, int memoryMiB, String vncPassword, ImageSpec image) {
        this(desktopId, displayName, vcpus, memoryMiB, vncPassword, image, null, null, false, null, Display.DEFAULT, null);
    }
}
