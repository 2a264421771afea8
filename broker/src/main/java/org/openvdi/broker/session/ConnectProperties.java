package org.openvdi.broker.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How employees connect to their desktops.
 *
 * @param tokenTtl                how long a one-time connection token may be redeemed (at most 60 s)
 * @param disconnectTimeout       how long a disconnected session keeps its desktop before it is ended, and how long
 *                                after its last tunnel closed a resume token still reconnects it
 * @param disconnectCheckInterval how often disconnected sessions are checked against that timeout
 */
@ConfigurationProperties("openvdi.connect")
public record ConnectProperties(@DefaultValue("60s") Duration tokenTtl,
                                @DefaultValue("10m") Duration disconnectTimeout,
                                @DefaultValue("5s") Duration disconnectCheckInterval) {

    public static final Duration MAX_TOKEN_TTL = Duration.ofSeconds(60);

    public ConnectProperties {
        if (tokenTtl.isNegative() || tokenTtl.isZero() || tokenTtl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw new IllegalArgumentException("openvdi.connect.token-ttl must be above 0 and at most " + MAX_TOKEN_TTL
                    + ", not " + tokenTtl);
        }
        if (disconnectTimeout.isNegative()) {
            throw new IllegalArgumentException("openvdi.connect.disconnect-timeout must not be negative");
        }
        if (disconnectCheckInterval.isNegative() || disconnectCheckInterval.isZero()) {
            throw new IllegalArgumentException("openvdi.connect.disconnect-check-interval must be positive");
        }
    }
}
