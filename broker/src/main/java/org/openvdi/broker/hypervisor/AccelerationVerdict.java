package org.openvdi.broker.hypervisor;

import java.util.Objects;

/**
 * What an acceleration probe of a host found.
 *
 * @param effectiveType the domain type the host's desktops are to be defined with
 * @param reason        what the probe observed, for admins and auditors (cleaned, see {@link ReasonText})
 * @param millis        how long the probe took
 */
public record AccelerationVerdict(EffectiveVirtType effectiveType, String reason, long millis) {

    public AccelerationVerdict {
        Objects.requireNonNull(effectiveType, "effectiveType");
        reason = ReasonText.clean(Objects.requireNonNull(reason, "reason"));
    }
}
