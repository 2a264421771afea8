package org.openvdi.gateway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.guacamole.io.ReaderGuacamoleReader;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.GatewayBalancer;
import org.openvdi.gateway.testsupport.GuacamoleTestClient;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.GuacdSockets;
import org.openvdi.gateway.testsupport.QemuVncDesktop;
import org.openvdi.gateway.testsupport.TelemetryTopic;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway end to end with real parts: a real guacd, a real VNC server (QEMU), a real in-process KRaft
 * Kafka and a real WebSocket client. Only the broker is played by {@link FakeBroker}, a small HTTP server
 * that answers the redeem contract, because the broker cannot run inside this module; the end-to-end test
 * against the real broker is written with the broker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=" + TunnelEndToEndTest.SECRET,
        "openvdi.gateway.gateway-id=gateway-test",
        "openvdi.gateway.browser-send-timeout=2s",
        "openvdi.gateway.notices.interval=200ms",
        "logging.level.org.openvdi.gateway=DEBUG"})
@EmbeddedKafka(kraft = true, partitions = 1, topics = "openvdi.connections",
        bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class TunnelEndToEndTest {

    static final String SECRET = "broker-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final FakeBroker broker = FakeBroker.start(SECRET);
    private static final QemuVncDesktop desktop = QemuVncDesktop.start("vncpw1");
    /** Not there yet: guacd creates it ({@code create-recording-path}). */
    private static final Path RECORDINGS = Path.of("target", "recordings-" + UUID.randomUUID()).toAbsolutePath();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.broker-url", broker::url);
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
        registry.add("openvdi.gateway.recording-path", RECORDINGS::toString);
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

    @Test
    void givenAGoodToken_whenTheBrowserConnects_thenTheTunnelUuidComesFirstThenTheResumeTokenAndTheDisplayStreams() {
        FakeBroker.Grant grant = grantForDesktop();

        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("size") > 0 && browser.count("img") > 0
                    && browser.count("sync") > 1);

            assertThat(browser.subprotocol()).isEqualTo("guacamole");
            GuacamoleInstruction first = browser.instructions().get(0);
            assertThat(first.getOpcode()).isEmpty();
            assertThat(UUID.fromString(first.getArgs().get(0))).isNotNull();
            GuacamoleInstruction second = browser.instructions().get(1);
            assertThat(second.getOpcode()).isEqualTo(TunnelSession.RESUME_OPCODE);
            assertThat(second.getArgs()).containsExactly(grant.resumeToken(), grant.sessionId().toString());
            assertThat(browser.count(TunnelSession.RESUME_OPCODE)).isOne();
            assertThat(browser.count("error")).isZero();
            assertThat(broker.requests()).filteredOn(body -> grant.token().equals(body.get("token")))
                    .singleElement().satisfies(body -> {
                        assertThat(body).containsEntry("gatewayId", "gateway-test");
                        assertThat(body).containsEntry("clientAddress", "127.0.0.1");
                    });
        }
    }

    @Test
    void givenATunnel_whenItOpensAndTheBrowserCloses_thenOpenedAndClosedRecordsArriveOnKafka() {
        FakeBroker.Grant grant = grantForDesktop();
        try (TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections")) {
            Instant before = Instant.now();
            try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
                await().atMost(WAIT).until(() -> browser.count("sync") > 2);
            }

            List<JsonNode> records = telemetry.awaitRecords(grant.sessionId(), 2, WAIT);

            assertThat(records).hasSize(2);
            JsonNode opened = records.get(0);
            JsonNode closed = records.get(1);
            assertThat(opened.path("type").asText()).isEqualTo("OPENED");
            assertThat(closed.path("type").asText()).isEqualTo("CLOSED");
            for (JsonNode record : records) {
                assertThat(UUID.fromString(record.path("eventId").asText())).isNotNull();
                assertThat(record.path("sessionId").asText()).isEqualTo(grant.sessionId().toString());
                assertThat(record.path("desktopId").asText()).isEqualTo(grant.desktopId().toString());
                assertThat(record.path("userName").asText()).isEqualTo("alice");
                assertThat(record.path("gatewayId").asText()).isEqualTo("gateway-test");
                assertThat(record.path("connectionId").asText()).isEqualTo(grant.connectionId());
                assertThat(record.path("clientAddress").asText()).isEqualTo("127.0.0.1");
                assertThat(Instant.parse(record.path("occurredAt").asText())).isAfter(before);
            }
            assertThat(opened.path("eventId")).isNotEqualTo(closed.path("eventId"));
            assertThat(opened.path("reason").isNull()).isTrue();
            assertThat(closed.path("reason").asText()).isEqualTo(TunnelSession.BROWSER_CLOSED);
            assertThat(closed.path("durationMillis").asLong()).isPositive();
            assertThat(closed.path("bytesToClient").asLong()).isGreaterThan(1000);
            assertThat(closed.path("bytesFromClient").asLong()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(value = TunnelFailure.class, names = {"TOKEN_UNKNOWN", "TOKEN_EXPIRED", "TOKEN_ALREADY_USED",
            "TOKEN_WRONG_USER", "SESSION_ENDED", "DESKTOP_GONE", "SESSION_ENDED_BY_ROLLOUT"})
    void givenTheBrokerRefusesTheToken_whenTheBrowserConnects_thenTheBrowserGetsTheMappedErrorAndCloseCode(
            TunnelFailure failure) throws Exception {
        String token = broker.tokenAnswering(new FakeBroker.Problem(410, failure.name()));

        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, token, true)) {
            assertEndedWith(browser, failure);
        }
    }

    @Test
    void givenALostTunnel_whenTheBrowserResumesWithItsTokenTwice_thenTheSameSessionStreamsOnceAndThenAlreadyUsed()
            throws Exception {
        FakeBroker.Grant grant = grantForDesktop();
        try (TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections")) {
            GuacamoleTestClient lost = GuacamoleTestClient.open(port, grant.token(), true);
            await().atMost(WAIT).until(() -> lost.count("sync") > 0);
            String resumeToken = resumeTokenOf(lost);
            lost.abort();
            await().atMost(WAIT).until(() -> tunnels.openTunnels() == 0);

            try (GuacamoleTestClient resumed = GuacamoleTestClient.open(port, resumeToken, true)) {
                await().atMost(WAIT).until(() -> resumed.count("size") > 0 && resumed.count("sync") > 1);
                assertThat(resumeTokenOf(resumed)).isNotEqualTo(resumeToken).isNotEqualTo(grant.token());
                assertThat(resumed.count("error")).isZero();

                try (GuacamoleTestClient replay = GuacamoleTestClient.open(port, resumeToken, true)) {
                    assertEndedWith(replay, TunnelFailure.TOKEN_ALREADY_USED);
                }
            }

            assertThat(telemetry.awaitRecords(grant.sessionId(), 4, WAIT))
                    .extracting(record -> record.path("type").asText() + " " + record.path("desktopId").asText())
                    .containsExactly("OPENED " + grant.desktopId(), "CLOSED " + grant.desktopId(),
                            "OPENED " + grant.desktopId(), "CLOSED " + grant.desktopId());
            assertThat(broker.requests()).extracting(body -> body.get("token"))
                    .containsSubsequence(grant.token(), resumeToken, resumeToken);
        }
    }

    @Test
    void givenANoticeForOneSession_whenTheGatewayPolls_thenOnlyThatSessionsPageGetsItOnceAsText() {
        FakeBroker.Grant noticed = grantForDesktop();
        FakeBroker.Grant other = grantForDesktop();
        String text = "<b>Update</b> at 18:00 עדכון, 3.5, ok;";
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, noticed.token(), true);
             GuacamoleTestClient bystander = GuacamoleTestClient.open(port, other.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 0 && bystander.count("sync") > 0);

            broker.notice(noticed.sessionId(), "r1:900", text, 900);
            await().atMost(WAIT).until(() -> browser.count(TunnelSession.NOTICE_OPCODE) == 1);
            int polls = broker.noticePolls().size();
            await().atMost(WAIT).until(() -> broker.noticePolls().size() > polls + 2);

            assertThat(browser.instructions()).filteredOn(i -> i.getOpcode().equals(TunnelSession.NOTICE_OPCODE))
                    .singleElement().satisfies(i -> assertThat(i.getArgs()).containsExactly("r1:900", "900", text));
            assertThat(bystander.count(TunnelSession.NOTICE_OPCODE)).isZero();
            assertThat(broker.noticePolls()).last().satisfies(poll -> {
                assertThat(poll).containsEntry("gatewayId", "gateway-test");
                assertThat(poll.get("tunnels").toString()).contains(noticed.connectionId(), other.connectionId());
            });
        }
    }

    @Test
    void givenATokenAlreadyRedeemed_whenTheBrowserUsesItAgain_thenTheTunnelClosesAsAlreadyUsed() throws Exception {
        FakeBroker.Grant grant = grantForDesktop();
        try (GuacamoleTestClient first = GuacamoleTestClient.open(port, grant.token(), true)) {
            await().atMost(WAIT).until(() -> first.count("sync") > 0);
        }

        try (GuacamoleTestClient second = GuacamoleTestClient.open(port, grant.token(), true)) {
            assertEndedWith(second, TunnelFailure.TOKEN_ALREADY_USED);
        }
    }

    @Test
    void givenNoToken_whenTheBrowserConnects_thenTheTunnelClosesAsTokenMissing() throws Exception {
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, null, true)) {
            assertEndedWith(browser, TunnelFailure.TOKEN_MISSING);
        }
    }

    @Test
    void givenTheBrokerFails_whenTheBrowserConnects_thenTheTunnelClosesAsBrokerUnavailable() throws Exception {
        for (FakeBroker.Answer failure : List.of(new FakeBroker.Unavailable(), new FakeBroker.Dropped())) {
            String token = broker.tokenAnswering(failure);
            try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, token, true)) {
                assertEndedWith(browser, TunnelFailure.BROKER_UNAVAILABLE);
            }
        }
    }

    @Test
    void givenAnOpenTunnel_whenTheBrowserPings_thenTheGatewayAnswersWithTheSamePing() {
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grantForDesktop().token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 0);

            browser.send("0.,4.ping,13.1700000000000;");

            await().atMost(WAIT).until(() -> browser.instructions().stream().anyMatch(i -> i.getOpcode().isEmpty()
                    && i.getArgs().equals(List.of("ping", "1700000000000"))));
        }
    }

    @Test
    void givenAnOpenTunnel_whenTheBrowserClosesTheWebSocket_thenTheGuacdSocketIsFreed() {
        int guacdPort = GuacdDaemon.shared().port();
        GuacamoleTestClient browser = GuacamoleTestClient.open(port, grantForDesktop().token(), true);
        await().atMost(WAIT).until(() -> browser.count("sync") > 0);
        assertThat(GuacdSockets.establishedTo(guacdPort)).isEqualTo(1);
        assertThat(tunnels.openTunnels()).isEqualTo(1);

        browser.close();

        await().atMost(WAIT).until(() -> GuacdSockets.establishedTo(guacdPort) == 0 && tunnels.openTunnels() == 0);
    }

    @Test
    void givenAnOpenTunnel_whenTheBrowserVanishesWithoutClosing_thenTheGuacdSocketIsFreed() {
        int guacdPort = GuacdDaemon.shared().port();
        GuacamoleTestClient browser = GuacamoleTestClient.open(port, grantForDesktop().token(), true);
        await().atMost(WAIT).until(() -> browser.count("sync") > 0);

        browser.abort();

        await().atMost(WAIT).until(() -> GuacdSockets.establishedTo(guacdPort) == 0 && tunnels.openTunnels() == 0);
    }

    @Test
    void givenTwoTunnels_whenOneBrowserStopsReading_thenTheOtherKeepsStreamingAndTheStuckOneIsClosed() {
        FakeBroker.Grant stuckGrant = grantForDesktop();
        try (TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections");
             GuacamoleTestClient stuck = GuacamoleTestClient.open(port, stuckGrant.token(), false);
             GuacamoleTestClient healthy = GuacamoleTestClient.open(port, grantForDesktop().token(), true)) {
            await().atMost(WAIT).until(() -> stuck.count("sync") > 0 && healthy.count("sync") > 0);

            stuck.stopReading();
            long stuckChars = stuck.charsReceived();

            // The healthy browser keeps getting frames the whole time the stuck one backs up ...
            for (int second = 0; second < 5; second++) {
                long syncs = healthy.count("sync");
                await().atMost(WAIT).until(() -> healthy.count("sync") > syncs);
            }
            // ... and the gateway gives up on the stuck one, freeing its guacd connection.
            await().atMost(Duration.ofSeconds(60)).until(() -> tunnels.openTunnels() == 1);
            assertThat(telemetry.awaitRecords(stuckGrant.sessionId(), 2, WAIT))
                    .last().satisfies(closed -> assertThat(closed.path("reason").asText())
                            .isEqualTo(TunnelFailure.BROWSER_TOO_SLOW.name()));
            assertThat(stuck.charsReceived()).isLessThanOrEqualTo(stuckChars + 65536);
            long syncs = healthy.count("sync");
            await().atMost(WAIT).until(() -> healthy.count("sync") > syncs);
            assertThat(healthy.closed()).isNotDone();
        }
    }

    private static String resumeTokenOf(GuacamoleTestClient browser) {
        return browser.instructions().stream().filter(i -> i.getOpcode().equals(TunnelSession.RESUME_OPCODE))
                .map(i -> i.getArgs().get(0)).reduce((earlier, later) -> later).orElseThrow();
    }

    @Test
    void givenARecordedGrant_whenTheBrowserConnectsAndLeaves_thenGuacdWroteARecordingGuacamoleCanParse()
            throws Exception {
        String name = UUID.randomUUID() + "-" + UUID.randomUUID() + ".guac";
        FakeBroker.Grant grant = broker.recordedGrant("127.0.0.1", desktop.port(), desktop.password(), name);
        FakeBroker.Grant unrecorded = grantForDesktop();

        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, grant.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("img") > 0 && browser.count("sync") > 5);
        }
        try (GuacamoleTestClient browser = GuacamoleTestClient.open(port, unrecorded.token(), true)) {
            await().atMost(WAIT).until(() -> browser.count("sync") > 2);
        }
        Path file = RECORDINGS.resolve(name);
        await().atMost(WAIT).until(() -> Files.isRegularFile(file) && tunnels.openTunnels() == 0);
        long size = awaitStableSize(file);

        assertThat(size).isPositive();
        String head = new String(Files.readAllBytes(file), 0, (int) Math.min(size, 200), StandardCharsets.UTF_8);
        assertThat(head).matches("(?s)^\\d+\\.[a-z]+[,;].*");
        Map<String, Integer> opcodes = new HashMap<>();
        try (Reader text = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            ReaderGuacamoleReader reader = new ReaderGuacamoleReader(text);
            for (GuacamoleInstruction instruction = reader.readInstruction(); instruction != null;
                 instruction = reader.readInstruction()) {
                opcodes.merge(instruction.getOpcode(), 1, Integer::sum);
            }
        }
        assertThat(opcodes).containsKeys("size", "sync").containsKey("img");
        assertThat(opcodes.get("sync")).isGreaterThan(1);
        try (Stream<Path> files = Files.list(RECORDINGS)) {
            assertThat(files).as("only the recorded connection wrote a file").containsExactly(file);
        }
    }

    /** guacd closes the file when its connection ends; wait until its size holds still. */
    private static long awaitStableSize(Path file) throws Exception {
        long size = -1;
        for (int i = 0; i < 100; i++) {
            long now = Files.size(file);
            if (now == size && now > 0) {
                return now;
            }
            size = now;
            Thread.sleep(500);
        }
        throw new AssertionError("the recording kept growing: " + file);
    }

    @Test
    void givenAnOwnersTunnel_whenAViewOnlyViewerJoinsAndLeaves_thenBothSeeOneGuacdConnectionAndTheOwnerIsTold()
            throws Exception {
        FakeBroker.Grant owner = grantForDesktop();
        FakeBroker.Grant viewer = broker.viewerGrant(owner, "bob", "VIEW");
        try (GuacamoleTestClient ownerPage = GuacamoleTestClient.open(port, owner.token(), true)) {
            await().atMost(WAIT).until(() -> ownerPage.count("sync") > 0 && vncClients(desktop.port()) == 1);
            assertThat(ownerPage.count(SharedDisplays.VIEWERS_OPCODE)).isOne();

            try (GuacamoleTestClient viewerPage = GuacamoleTestClient.open(port, viewer.token(), true)) {
                await().atMost(WAIT).until(() -> viewerPage.count("size") > 0 && viewerPage.count("img") > 0
                        && viewerPage.count("sync") > 1);
                assertThat(viewerPage.instructions()).filteredOn(i -> i.getOpcode().equals(SharedDisplays.SHARED_OPCODE))
                        .singleElement().satisfies(i -> assertThat(i.getArgs()).containsExactly("bob", "VIEW"));
                await().atMost(WAIT).until(() -> lastViewers(ownerPage).equals(List.of("bob", "VIEW")));
                // guacd joined the owner's connection: still one VNC client of the display
                assertThat(vncClients(desktop.port())).isOne();
                viewerPage.send("3.key,5.65307,1.1;3.key,5.65307,1.0;5.mouse,2.10,2.10,1.1;");
                assertThat(viewerPage.count("error")).isZero();
            }
            await().atMost(WAIT).until(() -> lastViewers(ownerPage).isEmpty());
            assertThat(ownerPage.count("error")).isZero();
        }
    }

    /**
     * Two gateways on one guacd behind one address, HAProxy running deploy/haproxy/haproxy.cfg as docker-compose does:
     * the owner's tunnel lands on one gateway and the view-only viewer's on the other (round robin), which has no owner
     * connection to join and opens a shared one of its own to the display (read-only). The owner's gateway learns of
     * the viewer from the broker's notice poll; both gateways report their tunnels to Kafka under their own ids; the
     * broker's notice that the share was withdrawn cuts the viewer off, saying why, and leaves the owner's tunnel alone.
     */
    @Test
    void givenTwoGatewaysBehindHaproxy_whenTheOwnerAndAViewerConnect_thenTheyLandApartAndAWithdrawalCutsOnlyTheViewer()
            throws Exception {
        FakeBroker.Grant owner = grantForDesktop();
        UUID share = UUID.randomUUID();
        FakeBroker.Grant viewer = broker.viewerGrant(owner, "bob", "VIEW", share);
        try (ConfigurableApplicationContext other = secondGateway();
             GatewayBalancer balancer = GatewayBalancer.start(RECORDINGS.resolveSibling("haproxy-" + UUID.randomUUID()),
                     port, portOf(other));
             TelemetryTopic telemetry = new TelemetryTopic(kafka.getBrokersAsString(), "openvdi.connections");
             GuacamoleTestClient ownerPage = GuacamoleTestClient.open(balancer.port(), owner.token(), true)) {
            TunnelRegistry otherTunnels = other.getBean(TunnelRegistry.class);
            await("the owner's display").atMost(WAIT).until(() -> ownerPage.count("sync") > 0);
            await("one VNC client").atMost(WAIT).until(() -> vncClients(desktop.port()) == 1);
            boolean ownerHere = tunnels.openTunnels() == 1;
            String ownerGateway = ownerHere ? "gateway-test" : "gateway-two";
            String viewerGateway = ownerHere ? "gateway-two" : "gateway-test";

            try (GuacamoleTestClient viewerPage = GuacamoleTestClient.open(balancer.port(), viewer.token(), true)) {
                await().atMost(WAIT).until(() -> viewerPage.count("img") > 0 && viewerPage.count("sync") > 1);
                assertThat(List.of(tunnels.openTunnels(), otherTunnels.openTunnels())).containsExactly(1, 1);
                assertThat(viewerPage.instructions()).filteredOn(i -> i.getOpcode().equals(SharedDisplays.SHARED_OPCODE))
                        .singleElement().satisfies(i -> assertThat(i.getArgs()).containsExactly("bob", "VIEW"));
                // no owner connection on the viewer's gateway to join: a second, shared VNC client of the display
                assertThat(vncClients(desktop.port())).isEqualTo(2);
                broker.watchingNotice(owner.sessionId(), ownerGateway, List.of(List.of("bob", "VIEW")));
                await().atMost(WAIT).until(() -> lastViewers(ownerPage).equals(List.of("bob", "VIEW")));
                viewerPage.send("3.key,5.65307,1.1;3.key,5.65307,1.0;5.mouse,2.10,2.10,1.1;");
                List<JsonNode> opened = telemetry.awaitRecords(owner.sessionId(), 2, Duration.ofSeconds(60));
                assertThat(opened).extracting(r -> r.path("type").asText()).containsOnly("OPENED");
                assertThat(opened).extracting(r -> r.path("gatewayId").asText() + "/" + r.path("userName").asText())
                        .containsExactlyInAnyOrder(ownerGateway + "/alice", viewerGateway + "/bob");

                broker.cutNotice(owner.sessionId(), "share-cut/" + share + "/REVOKED/1", "bob", "SHARE_REVOKED", share);

                GuacamoleTestClient.Closed closed = viewerPage.closed().get(20, TimeUnit.SECONDS);
                assertThat(closed.code()).isEqualTo(TunnelFailure.SHARE_REVOKED.closeCode());
                assertThat(viewerPage.instructions()).filteredOn(i -> i.getOpcode().equals("error")).singleElement()
                        .satisfies(e -> assertThat(e.getArgs()).containsExactly(TunnelFailure.SHARE_REVOKED.message(),
                                Integer.toString(TunnelFailure.SHARE_REVOKED.status().getGuacamoleStatusCode()),
                                "SHARE_REVOKED"));
            }
            List<JsonNode> records = telemetry.awaitRecords(owner.sessionId(), 3, Duration.ofSeconds(60));
            assertThat(records).last().satisfies(r -> {
                assertThat(r.path("type").asText()).isEqualTo("CLOSED");
                assertThat(r.path("gatewayId").asText()).isEqualTo(viewerGateway);
                assertThat(r.path("reason").asText()).isEqualTo("SHARE_REVOKED");
            });
            broker.watchingNotice(owner.sessionId(), ownerGateway, List.of());
            await().atMost(WAIT).until(() -> lastViewers(ownerPage).isEmpty() && vncClients(desktop.port()) == 1);
            assertThat(ownerPage.count("error")).isZero();
        }
    }

    /**
     * Bob opened two links to the same session, view-only and then with control, and watches through both; the owner
     * withdraws the one with control: only his tunnel through that link is cut, saying why, and the other stays.
     */
    @Test
    void givenBobWatchingThroughTwoLinks_whenOneIsWithdrawn_thenOnlyHisTunnelThroughThatLinkIsCut() throws Exception {
        FakeBroker.Grant owner = grantForDesktop();
        UUID viewShare = UUID.randomUUID();
        UUID controlShare = UUID.randomUUID();
        try (GuacamoleTestClient ownerPage = GuacamoleTestClient.open(port, owner.token(), true);
             GuacamoleTestClient viewing = GuacamoleTestClient.open(port,
                     broker.viewerGrant(owner, "bob", "VIEW", viewShare).token(), true);
             GuacamoleTestClient controlling = GuacamoleTestClient.open(port,
                     broker.viewerGrant(owner, "bob", "CONTROL", controlShare).token(), true)) {
            await().atMost(WAIT).until(() -> viewing.count("sync") > 1 && controlling.count("sync") > 1);

            broker.cutNotice(owner.sessionId(), "share-cut/" + controlShare + "/REVOKED/1", "bob", "SHARE_REVOKED",
                    controlShare);

            assertThat(controlling.closed().get(20, TimeUnit.SECONDS).code())
                    .isEqualTo(TunnelFailure.SHARE_REVOKED.closeCode());
            int polls = broker.noticePolls().size();
            await().atMost(WAIT).until(() -> broker.noticePolls().size() > polls + 2);
            assertThat(viewing.closed()).isNotDone();
            assertThat(viewing.count("error")).isZero();
            long syncs = viewing.count("sync");
            await().atMost(WAIT).until(() -> viewing.count("sync") > syncs);
            assertThat(ownerPage.count("error")).isZero();
        }
    }

    /** A second gateway, as the balancer's other server: same broker, guacd and Kafka, its own id and port. */
    private ConfigurableApplicationContext secondGateway() {
        return new SpringApplicationBuilder(org.openvdi.gateway.GatewayApplication.class).run(
                "--server.port=0",
                "--openvdi.gateway.broker-url=" + broker.url(),
                "--openvdi.gateway.broker-secret=" + SECRET,
                "--openvdi.gateway.gateway-id=gateway-two",
                "--openvdi.gateway.guacd-port=" + GuacdDaemon.shared().port(),
                "--openvdi.gateway.recording-path=" + RECORDINGS,
                "--openvdi.gateway.notices.interval=200ms",
                "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString());
    }

    private static int portOf(ConfigurableApplicationContext gateway) {
        return ((org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext) gateway)
                .getWebServer().getPort();
    }

    private static List<String> lastViewers(GuacamoleTestClient page) {
        List<GuacamoleInstruction> told = page.instructions().stream()
                .filter(i -> i.getOpcode().equals(SharedDisplays.VIEWERS_OPCODE)).toList();
        return told.isEmpty() ? List.of("?") : told.get(told.size() - 1).getArgs();
    }

    /** Established TCP connections to the display's VNC port, as the kernel lists them: one per VNC client. */
    private static long vncClients(int vncPort) throws java.io.IOException {
        String local = String.format(":%04X", vncPort);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path path = Path.of(table);
            if (!Files.exists(path)) {
                continue;
            }
            count += Files.readAllLines(path).stream().skip(1).map(line -> line.trim().split("\\s+"))
                    .filter(f -> f[1].endsWith(local) && f[3].equals("01")).count();
        }
        return count;
    }

    private FakeBroker.Grant grantForDesktop() {
        return broker.grant("127.0.0.1", desktop.port(), desktop.password());
    }

    private static void assertEndedWith(GuacamoleTestClient browser, TunnelFailure failure) throws Exception {
        GuacamoleTestClient.Closed closed = browser.closed().get(20, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(failure.closeCode());
        assertThat(closed.reason()).isEqualTo(Integer.toString(failure.status().getGuacamoleStatusCode()));
        assertThat(browser.instructions()).singleElement().satisfies(error -> {
            assertThat(error.getOpcode()).isEqualTo("error");
            assertThat(error.getArgs()).containsExactly(failure.message(),
                    Integer.toString(failure.status().getGuacamoleStatusCode()), failure.name());
        });
    }
}
