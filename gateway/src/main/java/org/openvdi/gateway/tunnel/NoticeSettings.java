package org.openvdi.gateway.tunnel;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the notices relay, bound from {@code openvdi.gateway.notices.*}.
 *
 * @param interval how often the gateway asks the broker for the notices of the sessions it carries (one call per
 *                 gateway, whatever the number of tunnels); a notice reaches the page within about this long
 */
@ConfigurationProperties("openvdi.gateway.notices")
public record NoticeSettings(@DefaultValue("5s") Duration interval) {

    public NoticeSettings {
        if (interval.compareTo(Duration.ofMillis(100)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("openvdi.gateway.notices.interval must be between 100ms and 1m");
        }
    }
}
