package org.openvdi.broker.hypervisor;

/**
 * A template version's image.
 *
 * @param sourcePath absolute path of the image file as published (readable by the broker)
 * @param sha256     lower-case hex SHA-256 of the file; the image volume is named after it
 * @param format     image format ("raw" or "qcow2")
 * @param sizeBytes  size of the file
 */
public record ImageSpec(String sourcePath, String sha256, String format, long sizeBytes) {
}
