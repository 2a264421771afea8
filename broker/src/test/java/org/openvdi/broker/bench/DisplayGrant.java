package org.openvdi.broker.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.openvdi.broker.ApiClient;

/**
 * Where a desktop's display is, as the broker answers a gateway that redeems a one-time token
 * ({@code POST /internal/connections/redeem}): protocol, host, port and the display's password.
 */
record DisplayGrant(String protocol, String hostname, int port, String password) {

    /** Redeems {@code token} the way the gateway does (HTTP Basic user {@code gateway}). */
    static DisplayGrant redeem(ApiClient gateway, String token) {
        ApiClient.Answer answer = gateway.post("/internal/connections/redeem",
                gateway.write(Map.of("token", token, "gatewayId", "bench-direct", "clientAddress", "127.0.0.1")));
        if (answer.status() != 200) {
            throw new IllegalStateException("The broker refused the token: " + answer.status() + " " + answer.body());
        }
        JsonNode grant = answer.json();
        return new DisplayGrant(grant.get("protocol").asText(), grant.get("hostname").asText(), grant.get("port").asInt(),
                grant.path("password").asText(null));
    }

    /** The guacd connection parameters, as the gateway sets them. */
    GuacamoleConfiguration configuration() {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol(protocol);
        configuration.setParameter("hostname", hostname);
        configuration.setParameter("port", Integer.toString(port));
        if (password != null) {
            configuration.setParameter("password", password);
        }
        return configuration;
    }

    /** Leaves the password out. */
    @Override
    public String toString() {
        return "DisplayGrant[" + protocol + " " + hostname + ":" + port + "]";
    }
}
