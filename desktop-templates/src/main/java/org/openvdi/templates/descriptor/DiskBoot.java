package org.openvdi.templates.descriptor;

import org.openvdi.templates.xml.ImageFormat;

/**
 * Booting from the system disk, whose image is published as the template's versions.
 *
 * @param image  file name of the image the template's recipe builds (for example {@code tiny-desktop.img}); null: not given
 * @param format that image's format; null: not given (the broker detects it when a version is published)
 */
public record DiskBoot(String image, ImageFormat format) {
}
