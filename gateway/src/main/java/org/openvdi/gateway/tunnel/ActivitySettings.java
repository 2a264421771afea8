package org.openvdi.gateway.tunnel;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the input activity reports, bound from {@code openvdi.gateway.activity.*}.
 *
 * @param interval how often the gateway publishes, for each tunnel whose user gave keyboard or mouse input since
 *                 its last report, an {@code ACTIVITY} telemetry record with the time of the last input; the broker's
 *                 idle limits are as exact as this
 */
@ConfigurationProperties("openvdi.gateway.activity")
public record ActivitySettings(@DefaultValue("10s") Duration interval) {

    public ActivitySettings {
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("openvdi.gateway.activity.interval must be between 100ms and 5m");
        }
    }
}
