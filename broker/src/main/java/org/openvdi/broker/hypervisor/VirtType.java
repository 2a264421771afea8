package org.openvdi.broker.hypervisor;

/** Virtualization type of a host: hardware KVM, software emulation (TCG), or probe which works. */
public enum VirtType {
    KVM, QEMU, AUTO
}
