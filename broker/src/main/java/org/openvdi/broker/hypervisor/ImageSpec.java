package org.openvdi.broker.hypervisor;

/**
 * A template version's image.
 *
 * @param sourcePath      absolute path of the image file as published (readable by the broker)
 * @param sha256          lower-case hex SHA-256 of the file; the image volume is named after it
 * @param format          image format ("raw" or "qcow2")
 * @param sizeBytes       size of the file
 * @param minVirtualBytes the least virtual size of a desktop's disk (the template's {@code hardware.diskGiB});
 *                        0: the image's own virtual size
 */
public record ImageSpec(String sourcePath, String sha256, String format, long sizeBytes, long minVirtualBytes) {

    private static final long GIB = 1L << 30;

    public ImageSpec {
        if (minVirtualBytes < 0) {
            throw new IllegalArgumentException("minVirtualBytes must not be negative");
        }
    }

    /** An image whose desktops' disks have the image's own virtual size. */
    public ImageSpec(String sourcePath, String sha256, String format, long sizeBytes) {
        this(sourcePath, sha256, format, sizeBytes, 0);
    }

    /** The same image, with desktops' disks at least {@code diskGiB} GiB (null: the image's own size). */
    public ImageSpec withDiskGiB(Integer diskGiB) {
        return new ImageSpec(sourcePath, sha256, format, sizeBytes, diskGiB == null ? 0 : diskGiB * GIB);
    }
}
