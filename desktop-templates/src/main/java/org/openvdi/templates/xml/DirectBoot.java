package org.openvdi.templates.xml;

/**
 * Booting a kernel directly instead of the disk's boot loader.
 *
 * @param kernel  absolute path of the kernel on the host
 * @param initrd  absolute path of the initrd on the host; null: none
 * @param cmdline kernel command line; null: none
 */
public record DirectBoot(String kernel, String initrd, String cmdline) {

    public DirectBoot {
        requireAbsolute("kernel path", kernel);
        if (initrd != null) {
            requireAbsolute("initrd path", initrd);
        }
        if (cmdline != null) {
            XmlCharacters.requireSingleLine("kernel command line", cmdline, 1024);
        }
    }

    private static void requireAbsolute(String field, String path) {
        XmlCharacters.requireSingleLine(field, path, 4096);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(field + " must be absolute");
        }
    }
}
