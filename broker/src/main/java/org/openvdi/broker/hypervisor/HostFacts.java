package org.openvdi.broker.hypervisor;

/**
 * What a host reported when probed.
 *
 * @param hostname        the hypervisor's host name
 * @param driver          libvirt driver type ("QEMU", "Test", ...)
 * @param cpus            logical CPUs
 * @param memoryMiB       memory in MiB
 * @param effectiveVirtType the domain type desktops will be defined with ("kvm", "qemu" or "test"), or "auto"
 *                          while the host's acceleration probe has not decided
 */
public record HostFacts(String hostname, String driver, int cpus, long memoryMiB, String effectiveVirtType) {
}
