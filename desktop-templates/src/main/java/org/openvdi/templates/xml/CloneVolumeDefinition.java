package org.openvdi.templates.xml;

import java.util.Objects;

/**
 * A desktop's linked clone: a qcow2 volume {@code vdi-<desktopId>.qcow2} whose backing store is the
 * template image volume. Writes go to the clone; the image stays untouched and shared.
 *
 * @param desktopId     our desktop id (a UUID)
 * @param backingPath   absolute path of the image volume
 * @param backingFormat format of the image volume (always stated, never probed)
 * @param capacityBytes virtual size in bytes; 0 leaves it out, so the storage driver takes the
 *                      backing image's size (the QEMU driver can, libvirt's test driver cannot)
 */
public record CloneVolumeDefinition(String desktopId, String backingPath, ImageFormat backingFormat, long capacityBytes) {

    public CloneVolumeDefinition {
        desktopId = LibvirtNames.requireDesktopId(desktopId);
        XmlCharacters.requireSingleLine("backing path", backingPath, 4096);
        if (!backingPath.startsWith("/")) {
            throw new IllegalArgumentException("backing path must be absolute");
        }
        Objects.requireNonNull(backingFormat, "backingFormat");
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
    }

    /** {@code vdi-<desktopId>.qcow2}. */
    public String volumeName() {
        return LibvirtNames.cloneVolumeName(desktopId);
    }
}
