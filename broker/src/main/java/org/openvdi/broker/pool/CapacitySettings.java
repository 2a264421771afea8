package org.openvdi.broker.pool;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the capacity process keeps pools at their spare targets ({@code openvdi.capacity.*}; {@code interval} and
 * {@code initial-delay} schedule it).
 *
 * @param scaleInSettle how long a pool must have had more spares than its target, without a break, before the
 *                      surplus is removed: a target that moves faster than this never makes desktops churn
 * @param leadTime      how far ahead a PREDICTIVE policy looks: the provisioning lead time, request to READY,
 *                      unless a measured one is available ({@link org.openvdi.broker.spare.LeadTimeEstimate})
 */
@ConfigurationProperties("openvdi.capacity")
public record CapacitySettings(@DefaultValue("10m") Duration scaleInSettle, @DefaultValue("5m") Duration leadTime) {

    public CapacitySettings {
        if (scaleInSettle == null || scaleInSettle.isNegative()) {
            throw new IllegalArgumentException("openvdi.capacity.scale-in-settle must not be negative");
        }
        if (leadTime == null || leadTime.isNegative() || leadTime.isZero()) {
            throw new IllegalArgumentException("openvdi.capacity.lead-time must be positive");
        }
    }

    /** The defaults. */
    public static CapacitySettings defaults() {
        return new CapacitySettings(Duration.ofMinutes(10), Duration.ofMinutes(5));
    }
}
