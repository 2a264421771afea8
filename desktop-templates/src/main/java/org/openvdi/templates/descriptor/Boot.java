package org.openvdi.templates.descriptor;

/**
 * How desktops boot: exactly one of {@code disk} and {@code kernel}.
 *
 * @param disk   boot the system disk (the published image) through its boot loader
 * @param kernel boot a kernel and initrd directly, with the system disk attached
 */
public record Boot(DiskBoot disk, KernelBoot kernel) {

    /** Whether the desktop boots a kernel directly rather than its disk's boot loader. */
    public boolean direct() {
        return kernel != null;
    }
}
