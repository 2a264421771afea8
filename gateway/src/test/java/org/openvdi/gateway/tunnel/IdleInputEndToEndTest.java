package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.QemuVncDesktop;
import org.openvdi.gateway.testsupport.TelemetryTopic;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Idle detection through the real gateway, a real guacd, a real VNC server (QEMU) and a real in-process KRaft Kafka;
 * only the broker is played by {@link FakeBroker} (it cannot run inside this module). The browser's mouse and key
 * instructions set the tunnel's last input, which the gateway publishes as an {@code ACTIVITY} record and in its
 * {@code CLOSED} record; a notice that the session is idle closes a tunnel without input since, and leaves one with
 * later input open.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=" + IdleInputEndToEndTest.SECRET,
        "openvdi.gateway.gateway-id=gateway-idle",
        "openvdi.gateway.notices.interval=200ms",
        "openvdi.gateway.activity.interval=200ms"})
@EmbeddedKafka(kraft = true, partitions = 1, topics = "openvdi.connections",
        bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class IdleInputEndToEndTest {

    static final String SECRET = "broker-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final FakeBroker broker = FakeBroker.start(SECRET);
    private static final QemuVncDesktop desktop = QemuVncDesktop.start("vncpw2");

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.broker-url", broker::url);
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
    }

    @AfterAll
    static void stopServices() {
        broker.close();
        desktop.close();
    }

    @LocalServerPort
    int port;
    @Autowired
    TunnelRegistry tunnels;
    @Autowired
    EmbeddedKafkaBroker kafka;

    @BeforeEach
    void noTunnelLeftOver() {
        await().atMost(WAIT).until(() -> tunnels.openTunnels() == 0);
    }

    private FakeBroker.Grant grant() {
        return broker.grant("127.0.0.1", desktop.port(), desktop.password());
    }

    @Test
    void givenAnOpenTunnel_whenTheBrowserMovesTheMouse_thenAnActivityRecordCarriesTheTimeOfTheInput() {
        FakeBroker.Grant grant = grant();
        try (TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections")) {
            Instant input;
            try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
                await().atMost(WAIT).until(() -> browser.count("sync") > 1);
                Instant before = Instant.now();
                browser.send("5.mouse,2.10,2.20,1.0;");
                List<JsonNode> records = telemetry.awaitRecords(grant.sessionId(), 2, WAIT);
                Instant after = Instant.now();
                assertThat(records.get(0).path("type").asText()).isEqualTo("OPENED");
                assertThat(records.get(0).path("revision").asInt()).isEqualTo(2);
                JsonNode activity = records.get(1);
                assertThat(activity.path("type").asText()).isEqualTo("ACTIVITY");
                assertThat(activity.path("connectionId").asText()).isEqualTo(grant.connectionId());
                input = Instant.parse(activity.path("lastInputAt").asText());
                assertThat(input).isBetween(before, after);
            }
            List<JsonNode> records = telemetry.awaitRecords(grant.sessionId(), 3, WAIT);
            JsonNode closed = records.get(2);
            assertThat(closed.path("type").asText()).isEqualTo("CLOSED");
            assertThat(Instant.parse(closed.path("lastInputAt").asText())).isEqualTo(input);
        }
    }

    @Test
    void givenAnOpenTunnelWithoutInput_whenNoActivityIsToReport_thenNoActivityRecordIsPublished() throws Exception {
        FakeBroker.Grant grant = grant();
        try (TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections")) {
            try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
                await().atMost(WAIT).until(() -> browser.count("sync") > 1);
                // a keyframe's sync answers and the size are not input
                browser.send("4.size,4.1024,3.768,2.96;");
                TimeUnit.MILLISECONDS.sleep(800);
            }
            List<JsonNode> records = telemetry.awaitRecords(grant.sessionId(), 2, WAIT);
            assertThat(records).extracting(r -> r.path("type").asText()).containsExactly("OPENED", "CLOSED");
            assertThat(records.get(1).path("lastInputAt").isNull()).isTrue();
        }
    }

    @Test
    void givenATunnelWithoutInputSinceTheIdleTime_whenTheBrokerSaysItIsIdle_thenItIsClosedAsIdle()
            throws Exception {
        FakeBroker.Grant grant = grant();
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 1);

            broker.idleNotice(grant.sessionId(), "idle-disconnect/1", Instant.now());

            GuacamoleTestClient.Closed closed = browser.closed().get(20, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(TunnelFailure.IDLE_DISCONNECTED.closeCode());
            // the close names the failure even when the error instruction could not go first (a frame was on its way)
            assertThat(closed.reason()).isEqualTo(Integer.toString(GuacamoleStatus.SESSION_TIMEOUT.getGuacamoleStatusCode()));
            assertThat(browser.instructions()).filteredOn(i -> "error".equals(i.getOpcode()))
                    .allSatisfy(error -> assertThat(error.getArgs()).contains("IDLE_DISCONNECTED"));
        }
    }

    @Test
    void givenATunnelWithInputAfterTheIdleTime_whenTheBrokerSaysItIsIdle_thenItStaysOpen() throws Exception {
        FakeBroker.Grant grant = grant();
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 1);
            Instant idleSince = Instant.now();
            TimeUnit.MILLISECONDS.sleep(20);
            browser.send("3.key,5.65307,1.1;");

            broker.idleNotice(grant.sessionId(), "idle-disconnect/2", idleSince);
            int polls = broker.noticePolls().size();
            await().atMost(WAIT).until(() -> broker.noticePolls().size() > polls + 3);

            assertThat(browser.closed()).isNotDone();
            assertThat(browser.count(TunnelSession.NOTICE_OPCODE)).isZero();
        }
    }
}
