package org.openvdi.broker.libvirt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the libvirt adapter ({@code openvdi.libvirt.*}).
 *
 * @param poolRoot     directory under which missing {@code dir} pools are created, one sub-directory per pool
 * @param probeTimeout longest an acceleration probe waits for one guest's firmware to run to its end
 */
@ConfigurationProperties("openvdi.libvirt")
public record LibvirtSettings(@DefaultValue(LibvirtSettings.POOL_ROOT) Path poolRoot,
                              @DefaultValue("15s") Duration probeTimeout) {

    private static final String POOL_ROOT = "/var/lib/openvdi/pools";

    /** Where pools live unless configured otherwise. */
    public static final Path DEFAULT_POOL_ROOT = Path.of(POOL_ROOT);

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
