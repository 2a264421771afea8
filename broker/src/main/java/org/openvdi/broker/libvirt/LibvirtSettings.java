package org.openvdi.broker.libvirt;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the libvirt adapter.
 *
 * @param kvmTrusted whether hosts set to {@code AUTO} may use {@code kvm} when libvirt offers it.
 *                   Off by default: libvirt reports {@code <domain type='kvm'/>} whenever /dev/kvm
 *                   exists, but under nested virtualization (our CI and demo machines) a KVM guest
 *                   hangs before its kernel prints anything, while software emulation ({@code qemu})
 *                   boots everywhere. An operator who knows the hosts boot KVM guests turns it on.
 * @param poolRoot   directory under which missing {@code dir} pools are created, one sub-directory per pool
 */
public record LibvirtSettings(boolean kvmTrusted, Path poolRoot) {

    /** System property (or Spring property, when a configuration passes it on) for {@link #kvmTrusted()}. */
    public static final String KVM_TRUSTED_PROPERTY = "openvdi.kvm.trusted";
    /** Where pools live unless configured otherwise. */
    public static final Path DEFAULT_POOL_ROOT = Path.of("/var/lib/openvdi/pools");

    public LibvirtSettings {
        Objects.requireNonNull(poolRoot, "poolRoot");
        if (!poolRoot.isAbsolute()) {
            throw new IllegalArgumentException("pool root must be an absolute path");
        }
    }

    /** {@code kvmTrusted} from the system property {@value #KVM_TRUSTED_PROPERTY}, pools under {@link #DEFAULT_POOL_ROOT}. */
    public static LibvirtSettings fromSystemProperties() {
        return new LibvirtSettings(Boolean.getBoolean(KVM_TRUSTED_PROPERTY), DEFAULT_POOL_ROOT);
    }
}
