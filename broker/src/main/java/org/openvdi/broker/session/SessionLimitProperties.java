package org.openvdi.broker.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on sessions beyond each pool's own.
 *
 * @param unopenedTimeout    how long a session whose desktop is ready may wait to be opened before it ends and frees
 *                           its desktop, unless its pool sets its own {@code unopenedTimeout}
 * @param limitCheckInterval how often open sessions are checked against their limits
 */
@ConfigurationProperties("openvdi.sessions")
public record SessionLimitProperties(@DefaultValue("15m") Duration unopenedTimeout,
                                     @DefaultValue("5s") Duration limitCheckInterval) {

    public SessionLimitProperties {
        if (unopenedTimeout.isNegative() || unopenedTimeout.isZero()) {
            throw new IllegalArgumentException("openvdi.sessions.unopened-timeout must be positive");
        }
        if (limitCheckInterval.isNegative() || limitCheckInterval.isZero()) {
            throw new IllegalArgumentException("openvdi.sessions.limit-check-interval must be positive");
        }
    }
}
