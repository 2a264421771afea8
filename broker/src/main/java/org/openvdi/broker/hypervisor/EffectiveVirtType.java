package org.openvdi.broker.hypervisor;

/** The domain type a host's desktops are really defined with, as an acceleration probe found it. */
public enum EffectiveVirtType {
    /** Hardware virtualization: KVM runs guest code natively. */
    KVM,
    /** Software emulation (QEMU TCG). */
    QEMU,
    /** libvirt's test driver, which runs nothing. */
    TEST
}
