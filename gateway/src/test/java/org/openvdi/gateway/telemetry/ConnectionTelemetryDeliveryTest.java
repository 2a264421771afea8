package org.openvdi.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.contract.ConnectionSubject;
import org.openvdi.gateway.GatewaySettings;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.openvdi.gateway.testsupport.TelemetryTopic;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The telemetry never silently gives a record up: with Kafka not answering within {@code max.block.ms} (as just after
 * a restart on a busy machine), the records wait and are sent again, in order, until a real Kafka (in-process KRaft)
 * takes them; only records beyond the bounded queue are dropped, and those are counted.
 */
class ConnectionTelemetryDeliveryTest {

    private static final String TOPIC = "openvdi.connections";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    @Test
    void givenKafkaNotAnswering_whenItComesUpLater_thenEveryQueuedRecordIsDeliveredInOrderAndNoneDropped() {
        // a real Kafka whose topic is not there yet: each send waits max.block.ms for the topic's metadata and gives
        // up, exactly as with a Kafka that does not answer in time; creating the topic is Kafka coming up
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.brokerProperty("auto.create.topics.enable", "false");
        kafka.afterPropertiesSet();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DefaultKafkaProducerFactory<String, String> producers = producers(kafka.getBrokersAsString());
        ConnectionTelemetry telemetry = new ConnectionTelemetry(new KafkaTemplate<>(producers), JSON, settings(),
                meters);
        try {
            ConnectionSubject subject = subject();
            Instant openedAt = Instant.now();
            telemetry.publish(ConnectionEvent.opened(subject, openedAt));
            telemetry.publish(ConnectionEvent.closed(subject, openedAt, openedAt.plusSeconds(1), "BROWSER_CLOSED",
                    10, 20, null));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> meters.counter("openvdi.gateway.telemetry.retried").count() > 0);
            assertThat(telemetry.pending()).isEqualTo(2);

            kafka.addTopics(TOPIC);
            try (TelemetryTopic topic = new TelemetryTopic(kafka.getBrokersAsString(), TOPIC)) {
                List<JsonNode> records = topic.awaitRecords(subject.sessionId(), 2, Duration.ofSeconds(90));
                assertThat(records).extracting(r -> r.path("type").asText()).containsExactly("OPENED", "CLOSED");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> telemetry.pending() == 0);
            assertThat(meters.counter("openvdi.gateway.telemetry.dropped").count()).isZero();
        } finally {
            telemetry.shutdown();
            producers.destroy();
            kafka.destroy();
        }
    }

    @Test
    void givenKafkaNotAnswering_whenMoreRecordsArriveThanTheQueueHolds_thenOnlyTheOverflowIsDroppedAndCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DefaultKafkaProducerFactory<String, String> producers = producers("127.0.0.1:" + LocalPorts.closedPort());
        ConnectionTelemetry telemetry = new ConnectionTelemetry(new KafkaTemplate<>(producers), JSON, settings(),
                meters);
        try {
            ConnectionSubject subject = subject();
            telemetry.publish(ConnectionEvent.opened(subject, Instant.now()));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> meters.counter("openvdi.gateway.telemetry.retried").count() > 0);

            for (int i = 0; i < ConnectionTelemetry.QUEUE_CAPACITY + 3; i++) {
                telemetry.publish(ConnectionEvent.activity(subject, Instant.now(), Instant.now()));
            }

            assertThat(meters.counter("openvdi.gateway.telemetry.dropped").count()).isEqualTo(3);
            assertThat(telemetry.pending()).isEqualTo(ConnectionTelemetry.QUEUE_CAPACITY + 1);
        } finally {
            telemetry.shutdown();
            producers.destroy();
        }
    }

    private static DefaultKafkaProducerFactory<String, String> producers(String bootstrapServers) {
        return new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.ACKS_CONFIG, "all",
                // the gateway waits 15 s; a short wait makes the same give-up happen quickly here
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000,
                ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
    }

    private static ConnectionSubject subject() {
        return new ConnectionSubject(UUID.randomUUID(), UUID.randomUUID(), "alice", "gw-1", "127.0.0.1",
                "connection-" + UUID.randomUUID());
    }

    private static GatewaySettings settings() {
        return new GatewaySettings(URI.create("http://broker"), "secret", URI.create("http://portal/"), "127.0.0.1",
                4822, "gw-1", TOPIC, Duration.ofSeconds(1), Duration.ofSeconds(1), "/var/lib/guacamole/recordings");
    }
}
