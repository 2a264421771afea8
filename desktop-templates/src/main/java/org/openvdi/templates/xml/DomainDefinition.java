package org.openvdi.templates.xml;

import java.util.Objects;

/**
 * Everything {@link DomainXmlRenderer} needs for one desktop's libvirt domain. The constructor
 * validates every field, so a definition that exists can always be rendered.
 *
 * @param desktopId        our desktop id (a UUID); the domain is named {@code vdi-<desktopId>}
 * @param hostId           the broker's id of the host, recorded in the metadata
 * @param displayName      human-readable name, stored in {@code <title>} only (any single line of text)
 * @param type             domain type
 * @param vcpus            virtual CPUs (1-256)
 * @param memoryMiB        memory in MiB (16-4194304)
 * @param diskPath         absolute path of the desktop's qcow2 clone volume
 * @param imageSha256      SHA-256 of the template image the clone is backed by, recorded in the metadata
 * @param vncListenAddress address the VNC display listens on
 * @param vncPassword      VNC password (1-8 characters; VNC ignores anything longer)
 * @param video            emulated graphics card
 * @param resolution       the resolution the video card starts with; null: the guest's own choice
 * @param nic              the desktop's virtio NIC; null: none
 * @param guestAgent       whether the guest runs the QEMU guest agent (then it gets its virtio channel)
 * @param userDiskPath     absolute path of the user's data disk ({@code vdb}); null: none
 * @param directBoot       a kernel to boot directly; null: boot the disk
 */
public record DomainDefinition(String desktopId, String hostId, String displayName, DomainType type,
                               int vcpus, int memoryMiB, String diskPath, String imageSha256,
                               String vncListenAddress, String vncPassword, VideoModel video,
                               Resolution resolution, NetworkInterface nic, boolean guestAgent, String userDiskPath,
                               DirectBoot directBoot) {

    public DomainDefinition {
        desktopId = LibvirtNames.requireDesktopId(desktopId);
        XmlCharacters.requireSingleLine("host id", hostId, 256);
        XmlCharacters.requireSingleLine("display name", displayName, 256);
        Objects.requireNonNull(type, "type");
        if (vcpus < 1 || vcpus > 256) {
            throw new IllegalArgumentException("vcpus must be between 1 and 256");
        }
        if (memoryMiB < 16 || memoryMiB > 4_194_304) {
            throw new IllegalArgumentException("memory must be between 16 MiB and 4 TiB");
        }
        XmlCharacters.requireSingleLine("disk path", diskPath, 4096);
        if (!diskPath.startsWith("/")) {
            throw new IllegalArgumentException("disk path must be absolute");
        }
        imageSha256 = LibvirtNames.requireSha256(imageSha256);
        XmlCharacters.requireSingleLine("VNC listen address", vncListenAddress, 255);
        XmlCharacters.requireSingleLine("VNC password", vncPassword, 8);
        Objects.requireNonNull(video, "video");
        if (userDiskPath != null) {
            XmlCharacters.requireSingleLine("user disk path", userDiskPath, 4096);
            if (!userDiskPath.startsWith("/")) {
                throw new IllegalArgumentException("user disk path must be absolute");
            }
        }
    }

    /** A desktop without NIC, guest agent, user disk or direct boot, at the guest's own resolution. */
    public DomainDefinition(String desktopId, String hostId, String displayName, DomainType type, int vcpus, int memoryMiB,
                            String diskPath, String imageSha256, String vncListenAddress, String vncPassword,
                            VideoModel video) {
        this(desktopId, hostId, displayName, type, vcpus, memoryMiB, diskPath, imageSha256, vncListenAddress, vncPassword,
                video, null, null, false, null, null);
    }

    /** {@code vdi-<desktopId>}. */
    public String domainName() {
        return LibvirtNames.domainName(desktopId);
    }
}
