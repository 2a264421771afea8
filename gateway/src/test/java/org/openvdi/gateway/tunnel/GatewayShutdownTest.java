package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.GatewayApplication;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.openvdi.gateway.testsupport.QemuVncDesktop;
import org.openvdi.gateway.testsupport.TelemetryTopic;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Stopping the gateway while a tunnel is open, with real guacd, a real VNC server (QEMU), a real in-process
 * KRaft Kafka and a real WebSocket client; only the broker is played by {@link FakeBroker}. Each test starts
 * its own gateway and closes its application context, as SIGTERM does; Kafka lives outside that context, so
 * the topic can still be read once the gateway is gone.
 */
@EmbeddedKafka(kraft = true, partitions = 1, topics = GatewayShutdownTest.TOPIC)
class GatewayShutdownTest {

    static final String TOPIC = "openvdi.connections";
    private static final String SECRET = "broker-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The gateway's own bound on stopping its tunnels and flushing their telemetry, plus slack for a busy machine. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
    private static final FakeBroker broker = FakeBroker.start(SECRET);
    private static final QemuVncDesktop desktop = QemuVncDesktop.start("vncpw3");

    @AfterAll
    static void stopServices() {
        broker.close();
        desktop.close();
    }

    @Test
    void givenAnOpenTunnel_whenTheGatewayStops_thenTheBrowserIsToldToReconnectAndKafkaHoldsTheClosedRecord(
            EmbeddedKafkaBroker kafka) throws Exception {
        FakeBroker.Grant grant = broker.grant("127.0.0.1", desktop.port(), desktop.password());
        try (ConfigurableApplicationContext gateway = startGateway(kafka.getBrokersAsString());
             TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), TOPIC);
             GuacamoleTestClient browser = GuacamoleTestClient.open(portOf(gateway), grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 1);

            assertThat(timeToClose(gateway)).isLessThan(STOP_LIMIT);

            assertClosedAsStopping(browser);
            List<JsonNode> records = telemetry.awaitRecords(grant.sessionId(), 2, WAIT);
            assertThat(records).extracting(record -> record.path("type").asText()).containsExactly("OPENED", "CLOSED");
            JsonNode closed = records.get(1);
            assertThat(closed.path("reason").asText()).isEqualTo(TunnelFailure.GATEWAY_STOPPING.name());
            assertThat(closed.path("durationMillis").asLong()).isPositive();
            // at most what the browser got: the stopping error may go out while the record is being made
            assertThat(closed.path("bytesToClient").asLong()).isPositive()
                    .isLessThanOrEqualTo(browser.charsReceived());
            assertThat(closed.path("bytesFromClient").asLong()).isPositive();
        }
    }

    @Test
    void givenKafkaIsDown_whenTheGatewayStopsWithAnOpenTunnel_thenTheBrowserIsToldToReconnectWithoutWaitingForKafka()
            throws Exception {
        FakeBroker.Grant grant = broker.grant("127.0.0.1", desktop.port(), desktop.password());
        try (ConfigurableApplicationContext gateway = startGateway("127.0.0.1:" + LocalPorts.closedPort());
             GuacamoleTestClient browser = GuacamoleTestClient.open(portOf(gateway), grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 1);

            assertThat(timeToClose(gateway)).isLessThan(STOP_LIMIT);

            assertClosedAsStopping(browser);
        }
    }

    private static ConfigurableApplicationContext startGateway(String kafkaBootstrapServers) {
        return new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0",
                "--openvdi.gateway.broker-url=" + broker.url(),
                "--openvdi.gateway.broker-secret=" + SECRET,
                "--openvdi.gateway.guacd-port=" + GuacdDaemon.shared().port(),
                "--spring.kafka.bootstrap-servers=" + kafkaBootstrapServers);
    }

    private static int portOf(ConfigurableApplicationContext gateway) {
        return ((WebServerApplicationContext) gateway).getWebServer().getPort();
    }

    private static Duration timeToClose(ConfigurableApplicationContext gateway) {
        Instant start = Instant.now();
        gateway.close();
        return Duration.between(start, Instant.now());
    }

    private static void assertClosedAsStopping(GuacamoleTestClient browser) throws Exception {
        TunnelFailure stopping = TunnelFailure.GATEWAY_STOPPING;
        assertThat(browser.closed().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new GuacamoleTestClient.Closed(
                stopping.closeCode(), Integer.toString(stopping.status().getGuacamoleStatusCode())));
    }
}
