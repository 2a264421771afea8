package org.openvdi.templates.descriptor;

/**
 * The virtual machine of each desktop.
 *
 * @param vcpus     virtual CPUs (1-64)
 * @param memoryMiB memory in MiB (64-1048576)
 * @param diskGiB   virtual size of the system disk in GiB (1-65536); null: the image's own size
 */
public record Hardware(int vcpus, int memoryMiB, Integer diskGiB) {
}
