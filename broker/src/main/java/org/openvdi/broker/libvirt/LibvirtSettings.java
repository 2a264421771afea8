package org.openvdi.broker.libvirt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the libvirt adapter.
 *
 * @param poolRoot     directory under which missing {@code dir} pools are created, one sub-directory per pool
 * @param probeTimeout longest an acceleration probe waits for one guest's firmware to run to its end
 */
public record LibvirtSettings(Path poolRoot, Duration probeTimeout) {

    /** Where pools live unless configured otherwise. */
    public static final Path DEFAULT_POOL_ROOT = Path.of("/var/lib/openvdi/pools");

    public LibvirtSettings {
        Objects.requireNonNull(poolRoot, "poolRoot");
        if (!poolRoot.isAbsolute()) {
            throw new IllegalArgumentException("pool root must be an absolute path");
        }
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("probe timeout must be positive");
        }
    }
}
