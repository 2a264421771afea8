package org.openvdi.gateway.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.openvdi.gateway.GatewaySettings;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code guacd} in {@code /actuator/health}: UP when guacd accepts a TCP connection within a second.
 * It only connects and hangs up, so guacd starts no connection process for it.
 */
@Component("guacd")
class GuacdHealthIndicator implements HealthIndicator {

    private static final int TIMEOUT_MILLIS = 1000;

    private final String host;
    private final int port;

    GuacdHealthIndicator(GatewaySettings settings) {
        this.host = settings.guacdHost();
        this.port = settings.guacdPort();
    }

    @Override
    public Health health() {
        Health.Builder health;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            health = Health.up();
        } catch (IOException e) {
            health = Health.down(e);
        }
        return health.withDetail("address", host + ":" + port).build();
    }
}
