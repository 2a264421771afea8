package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.EventProcessingConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.testsupport.BrokerHttp;
import org.openvdi.broker.testsupport.CloudEventTopic;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.openvdi.broker.testsupport.GatewayTelemetry;
import org.openvdi.broker.testsupport.KafkaTopic;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka is down when the broker starts: the broker starts and serves commands all the same, and
 * once Kafka is there the events recorded meanwhile are published and gateway telemetry is recorded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.demo.host-uri=test:///default",
        "openvdi.demo.virt-type=AUTO",
        "openvdi.kafka.embedded=false",
        "openvdi.security.gateway-secret=outage-secret",
        "openvdi.kafka.password=outage-broker-pw",
        "openvdi.kafka.gateway-password=outage-gateway-pw",
        "openvdi.kafka.audit-password=outage-audit-pw",
        "openvdi.reconcile.initial-delay=86400000",
        "server.shutdown=immediate",
        "spring.lifecycle.timeout-per-shutdown-phase=5s"})
@ActiveProfiles({"demo", "test-logins"})   // test-logins: src/test/resources/application-test-logins.yml
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class KafkaOutageTest {

    private static final int KAFKA_PORT = freePort();

    @TempDir
    Path kafkaDirectory;
    @LocalServerPort
    int port;
    @Autowired
    ObjectMapper json;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    @Autowired
    EventProcessingConfiguration processors;
    @Autowired
    KafkaSettings settings;
    @Autowired
    AuditedCommands commands;

    @DynamicPropertySource
    static void storageAndAbsentKafka(DynamicPropertyRegistry registry) {
        DemoBrokerTest.freshStorage(registry);
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + KAFKA_PORT);
    }

    @Test
    void givenKafkaDownAtStart_whenItComesUp_thenEventsRecordedMeanwhileArePublishedAndTelemetryIsRecorded() {
        BrokerHttp alice = new BrokerHttp(port, json).as("alice", "demo");
        JsonNode pool = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> alice.get("/api/pools").body(), pools -> pools.size() > 0).get(0);
        long before = System.nanoTime();
        BrokerHttp.Reply requested = alice.post("/api/sessions", Map.of("poolId", pool.path("id").asText()));
        long millis = (System.nanoTime() - before) / 1_000_000;
        assertThat(requested.status()).isEqualTo(202);
        assertThat(millis).as("a command while Kafka is down").isLessThan(5_000);
        UUID session = UUID.fromString(requested.body().path("id").asText());
        JsonNode ready = await().atMost(Duration.ofMinutes(2)).until(() -> alice.get("/api/sessions/" + session).body(),
                s -> s.path("state").asText().equals("READY"));

        try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(kafkaDirectory, KAFKA_PORT, KafkaAccess.of(settings));
             CloudEventTopic events = new CloudEventTopic(kafka.bootstrapServers(), "openvdi.events",
                     KafkaTopic.scram("openvdi-audit", "outage-audit-pw"), "openvdi-audit-outage");
             GatewayTelemetry gateway = new GatewayTelemetry(new KafkaTopic(kafka.bootstrapServers(), "openvdi.connections",
                     KafkaTopic.scram("openvdi-gateway", "outage-gateway-pw"), "none"), new BrokerHttp(port, json), commands)) {
            List<CloudEvent> poolEvents = events.awaitEvents(pool.path("id").asText(), r -> !r.isEmpty(), Duration.ofMinutes(3));
            List<CloudEvent> sessionEvents = events.awaitEvents(session.toString(), r -> r.size() >= 2, Duration.ofMinutes(1));
            gateway.opened(ready);
            await().atMost(Duration.ofMinutes(2)).until(() -> alice.get("/api/sessions/" + session).body(),
                    s -> s.path("state").asText().equals("CONNECTED"));

            assertThat(poolEvents.get(0).getType()).isEqualTo(DomainCloudEvents.type(PoolCreatedEvent.class));
            assertThat(sessionEvents).extracting(CloudEvent::getType)
                    .startsWith("org.openvdi.SessionRequestedEvent.v1", "org.openvdi.DesktopAssignedToSessionEvent.v1");
            listeners.stop();
            processors.eventProcessor(DomainEventPublisher.GROUP).ifPresent(p -> p.shutDown());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
