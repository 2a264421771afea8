package org.openvdi.broker.hypervisor;

/**
 * One volume copied from one host's storage pool to another's, checked on both sides.
 *
 * @param volume       the volume's name (the same on both sides: it derives from the desktop id)
 * @param bytes        how many bytes were copied
 * @param sourceSha256 SHA-256 of the bytes sent, as read from the source host (a qcow2 overlay's header names its
 *                     backing image, which on the target is that host's copy of the image: the bytes sent carry that
 *                     name, and their checksum is what the target must store)
 * @param targetSha256 SHA-256 of the volume as the target host stores it, read back through libvirt
 */
public record VolumeCopy(String volume, long bytes, String sourceSha256, String targetSha256) {

    public boolean verified() {
        return sourceSha256 != null && sourceSha256.equals(targetSha256);
    }
}
