package org.openvdi.gateway.telemetry;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway signs in to Kafka, bound from {@code openvdi.gateway.kafka.*}. With a password set, the telemetry
 * producer uses SASL/SCRAM-SHA-512 over {@code SASL_PLAINTEXT}; without one it signs in as nobody, which a Kafka with
 * ACLs refuses. Keys set explicitly under {@code spring.kafka.producer.properties} or {@code spring.kafka.properties}
 * (another mechanism, or mutual TLS through {@code spring.kafka.ssl.*}) win over these.
 *
 * @param username the gateways' Kafka user, which may only write the telemetry topic
 * @param password its password: {@code OPENVDI_GATEWAY_KAFKA_PASSWORD} (never on the command line)
 */
@ConfigurationProperties("openvdi.gateway.kafka")
public record KafkaLoginSettings(@DefaultValue("openvdi-gateway") String username, String password) {

    static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    public KafkaLoginSettings {
        if (password != null && !password.isBlank()) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("openvdi.gateway.kafka.username must be set with a password");
            }
            if ((username + password).chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("openvdi.gateway.kafka.username and password must not contain "
                        + "control characters");
            }
        }
    }

    boolean signsIn() {
        return password != null && !password.isBlank();
    }

    /** The producer properties that sign in; the values quoted and escaped for the JAAS configuration. */
    Map<String, Object> producerProperties() {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", SCRAM_MODULE + " required username=" + quoted(username) + " password="
                        + quoted(password) + ";");
    }

    static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "KafkaLoginSettings[username=" + username + "]";
    }
}
