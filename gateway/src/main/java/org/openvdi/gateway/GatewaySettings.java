package org.openvdi.gateway;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the gateway, bound from {@code openvdi.gateway.*}.
 *
 * @param brokerUrl          base URL of the broker's internal API (the redeem call goes to
 *                           {@code {brokerUrl}/internal/connections/redeem})
 * @param brokerSecret       password of the HTTP Basic user {@code gateway} at the broker
 * @param portalUrl          the broker's portal, where the page sends the employee for a new link
 * @param guacdHost          host of guacd
 * @param guacdPort          port of guacd
 * @param gatewayId          this instance's name in telemetry and redeem calls (default: host name)
 * @param telemetryTopic     Kafka topic of the connection telemetry
 * @param brokerTimeout      connect and read timeout of the redeem call
 * @param browserSendTimeout how long one send to a browser may take before the tunnel is closed
 * @param recordingPath      the recordings directory as guacd sees it ({@code recording-path}): guacd writes the
 *                           recordings the broker asks for there, and the broker reads them from the same directory
 *                           or volume ({@code openvdi.recordings.directory})
 */
@ConfigurationProperties("openvdi.gateway")
public record GatewaySettings(
        @DefaultValue("http://localhost:8080") URI brokerUrl,
        String brokerSecret,
        @DefaultValue("http://localhost:8080/") URI portalUrl,
        @DefaultValue("127.0.0.1") String guacdHost,
        @DefaultValue("4822") int guacdPort,
        String gatewayId,
        @DefaultValue("openvdi.connections") String telemetryTopic,
        @DefaultValue("5s") Duration brokerTimeout,
        @DefaultValue("10s") Duration browserSendTimeout,
        @DefaultValue("/var/lib/guacamole/recordings") String recordingPath) {

    public GatewaySettings {
        if (brokerSecret == null || brokerSecret.isBlank()) {
            throw new IllegalArgumentException(
                    "openvdi.gateway.broker-secret must be set (the broker's password for the user 'gateway')");
        }
        if (recordingPath == null || !recordingPath.startsWith("/") || recordingPath.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("openvdi.gateway.recording-path must be an absolute path");
        }
        if (gatewayId == null || gatewayId.isBlank()) {
            gatewayId = localHostName();
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("openvdi.gateway.gateway-id is not set and the host name is unknown", e);
        }
    }
}
