package org.openvdi.templates.descriptor;

/**
 * The second disk ({@code vdb}) that persistent desktops keep their user's data on, apart from the image.
 *
 * @param sizeGiB its virtual size in GiB (1-16384)
 */
public record UserDisk(int sizeGiB) {
}
