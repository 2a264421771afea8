package org.openvdi.broker.kafka;

import io.cloudevents.core.message.Encoding;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The broker's use of Kafka. The bootstrap servers come from {@code spring.kafka.bootstrap-servers}
 * unless the broker runs Kafka itself.
 *
 * @param enabled            off: no event publication and no telemetry consumption; the broker works without Kafka
 * @param embedded           start an in-process single-node KRaft Kafka (the demo profile does), for {@code ./vdi up}
 * @param embeddedPort       its client port on 127.0.0.1 (0 picks a free one)
 * @param embeddedDirectory  its configuration and log segments, kept across restarts
 * @param eventsTopic        where every domain event is published as a CloudEvent, keyed by aggregate id
 * @param eventSource        the CloudEvents {@code source} of the published events: a URI naming this installation
 *                           of the broker (brokers sharing one event store share it)
 * @param eventEncoding      {@code BINARY}: attributes in {@code ce_*} headers, the event's JSON as the record's value;
 *                           {@code STRUCTURED}: the whole CloudEvent as one JSON document ({@code application/cloudevents+json})
 * @param publishBatchSize   events the publisher reads and hands to Kafka in one unit of work (one transaction of
 *                           its processor)
 * @param publishWindow      batches the publisher may have handed to Kafka without their acknowledgement; with that
 *                           many unacknowledged it waits for the oldest (1: each batch waits for its own). Its stored
 *                           position only ever moves past batches that Kafka acknowledged
 * @param connectionsTopic   where gateways report connections opened and closed, keyed by session id
 * @param telemetryGroup     consumer group of the brokers reading {@code connectionsTopic}
 * @param partitions         partitions of the topics the broker creates when they are missing
 * @param replicas           their replication factor
 * @param sendTimeout        how long the publisher waits for Kafka to acknowledge one batch before it retries the batch
 * @param username           the broker's SASL/SCRAM-SHA-512 user at Kafka
 * @param password           its password ({@code OPENVDI_KAFKA_PASSWORD}); unset: the broker's clients use no SASL,
 *                           unless Kafka is embedded, which then makes up a random one at each start
 * @param gatewayUsername    the gateways' SCRAM user the embedded Kafka creates (may only write {@code connectionsTopic})
 * @param gatewayPassword    its password ({@code OPENVDI_KAFKA_GATEWAY_PASSWORD}); unset: no gateway user
 * @param auditUsername      the auditors' SCRAM user the embedded Kafka creates (may only read {@code eventsTopic}
 *                           and {@code checkpointsTopic})
 * @param auditPassword      its password ({@code OPENVDI_KAFKA_AUDIT_PASSWORD}); unset: no audit user
 * @param checkpointsTopic   where the event chain's signed checkpoints are published (one partition, keyed by the
 *                           chain's origin); the audit user may read it
 */
@ConfigurationProperties("openvdi.kafka")
public record KafkaSettings(@DefaultValue("true") boolean enabled,
                            @DefaultValue("false") boolean embedded,
                            @DefaultValue("9092") int embeddedPort,
                            @DefaultValue("data/kafka") String embeddedDirectory,
                            @DefaultValue("openvdi.events") String eventsTopic,
                            @DefaultValue("urn:openvdi:broker") URI eventSource,
                            @DefaultValue("BINARY") Encoding eventEncoding,
                            @DefaultValue("1000") int publishBatchSize,
                            @DefaultValue("8") int publishWindow,
                            @DefaultValue("openvdi.connections") String connectionsTopic,
                            @DefaultValue("openvdi-broker") String telemetryGroup,
                            @DefaultValue("3") int partitions,
                            @DefaultValue("1") short replicas,
                            @DefaultValue("15s") Duration sendTimeout,
                            @DefaultValue("openvdi-broker") String username,
                            String password,
                            @DefaultValue("openvdi-gateway") String gatewayUsername,
                            String gatewayPassword,
                            @DefaultValue("openvdi-audit") String auditUsername,
                            String auditPassword,
                            @DefaultValue("openvdi.checkpoints") String checkpointsTopic) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public KafkaSettings {
        if (publishBatchSize < 1 || publishBatchSize > 100_000) {
            throw new IllegalArgumentException("openvdi.kafka.publish-batch-size must be between 1 and 100000, not "
                    + publishBatchSize);
        }
        if (publishWindow < 1 || publishWindow > 1000) {
            throw new IllegalArgumentException("openvdi.kafka.publish-window must be between 1 and 1000, not "
                    + publishWindow);
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("openvdi.kafka.send-timeout must be positive, not " + sendTimeout);
        }
        if (embedded && isBlank(password)) {
            password = randomPassword();
        }
    }

    /** The broker's own credentials, when its clients authenticate. */
    Optional<KafkaCredentials> clientCredentials() {
        return isBlank(password) ? Optional.empty() : Optional.of(new KafkaCredentials(username, password));
    }

    KafkaCredentials brokerCredentials() {
        return clientCredentials().orElseThrow(() -> new IllegalStateException("openvdi.kafka.password is not set"));
    }

    Optional<KafkaCredentials> gatewayCredentials() {
        return isBlank(gatewayPassword) ? Optional.empty() : Optional.of(new KafkaCredentials(gatewayUsername, gatewayPassword));
    }

    Optional<KafkaCredentials> auditCredentials() {
        return isBlank(auditPassword) ? Optional.empty() : Optional.of(new KafkaCredentials(auditUsername, auditPassword));
    }

    static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    /** Keeps the passwords out of logs. */
    @Override
    public String toString() {
        return "KafkaSettings[enabled=" + enabled + ", embedded=" + embedded + ", embeddedPort=" + embeddedPort
                 + ", eventsTopic=" + eventsTopic + ", eventSource=" + eventSource + ", eventEncoding=" + eventEncoding
                + ", publishBatchSize=" + publishBatchSize + ", publishWindow=" + publishWindow + ", connectionsTopic=" + connectionsTopic + ", username=" + username + "]";
    }
}
