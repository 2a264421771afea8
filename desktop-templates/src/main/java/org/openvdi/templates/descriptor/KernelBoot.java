package org.openvdi.templates.descriptor;

/**
 * Booting a kernel directly (libvirt's {@code <kernel>}, {@code <initrd>}, {@code <cmdline>}).
 *
 * @param path    absolute path of the kernel on each host
 * @param initrd  absolute path of the initrd on each host; null: none
 * @param cmdline the kernel command line; null: none
 */
public record KernelBoot(String path, String initrd, String cmdline) {
}
