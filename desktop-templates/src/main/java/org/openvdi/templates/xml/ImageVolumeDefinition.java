package org.openvdi.templates.xml;

import java.util.Objects;

/**
 * A template image volume, named after its checksum: {@code img-<sha256 first 16 hex>.<raw|qcow2>}.
 *
 * @param sha256        SHA-256 of the image file (64 hex digits)
 * @param format        the image's format
 * @param capacityBytes size of the volume in bytes (0 or more)
 */
public record ImageVolumeDefinition(String sha256, ImageFormat format, long capacityBytes) {

    public ImageVolumeDefinition {
        sha256 = LibvirtNames.requireSha256(sha256);
        Objects.requireNonNull(format, "format");
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
    }

    /** {@code img-<sha256 first 16 hex>.<ext>}. */
    public String volumeName() {
        return LibvirtNames.imageVolumeName(sha256, format);
    }
}
