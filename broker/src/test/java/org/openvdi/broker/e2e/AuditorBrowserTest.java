package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.recording.RecordingStarter;
import org.openvdi.broker.session.api.RecordSessionConnectedCommand;
import org.openvdi.broker.session.api.RecordSessionDisconnectedCommand;
import org.openvdi.broker.testsupport.BrokerHttp;
import org.openvdi.broker.testsupport.GatewayTelemetry;
import org.openvdi.broker.testsupport.Guacd;
import org.openvdi.broker.testsupport.GuacdRecording;
import org.openvdi.broker.testsupport.KafkaTopic;
import org.openvdi.broker.testsupport.VncDisplay;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * In headless Chromium, the auditor's page: audrey signs in and lands on it, finds alice's session by user and time,
 * opens alice's timeline (vis-timeline), clicks the session's bar for its detail, and plays its recording: the player
 * shows the recording's duration and its progress, and seeks. Every answer she read is an event, and the page runs
 * under the broker's Content-Security-Policy without a violation.
 * <p>
 * The recording is real: guacd records a real VNC display (QEMU, software emulation) into the broker's recordings
 * directory, under the name the broker gave the connection, and the broker's scanner stores it. Alice's session is
 * real too, on a recording pool of libvirt's test driver. Only what the test driver cannot give is done by the test
 * in the product's place: its desktops have no display, so the gateway's redemption (which looks the display up)
 * is the session's own redeem command with the recording started by {@link RecordingStarter}, as the redeemer calls
 * it, and guacd connects to the QEMU display instead of the desktop's. The whole path through the gateway's
 * redemption on qemu:///system is {@code RecordedConnectionIT}'s. Skipped when guacd or QEMU is missing.
 */
@BrokerTest
class AuditorBrowserTest {

    private static final Path WORK = Path.of("target", "it", "auditor-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private static final Path RECORDINGS = WORK.resolve("recordings");
    private static final Duration RECORDED = Duration.ofSeconds(6);

    @DynamicPropertySource
    static void recordings(DynamicPropertyRegistry registry) {
        registry.add("openvdi.recordings.directory", RECORDINGS::toString);
        registry.add("openvdi.recordings.scan-interval", () -> "200ms");
        registry.add("openvdi.recordings.settle", () -> "1s");
        registry.add("openvdi.recordings.missing-after", () -> "60s");
    }

    @LocalServerPort
    int port;
    @Autowired
    AuditedCommands commands;
    @Autowired
    RecordingStarter recordingStarter;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;

    private ChromeDriver browser;
    private UUID sessionId;
    private UUID desktopId;
    private String poolName;
    private String templateName;
    private Instant requestedAt;

    @BeforeAll
    static void requireGuacdAndQemu() {
        assumeTrue(Guacd.available(), "guacd is not installed");
        assumeTrue(VncDisplay.available(), "qemu-system-x86_64 is not installed");
    }

    @BeforeEach
    void alicesRecordedSession() throws Exception {
        ApiClient admin = new ApiClient(port, "admin", "demo");
        assertThat(admin.post("/api/hosts", admin.write(Map.of("name", "h-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 4))).status()).isEqualTo(201);
        templateName = "Audited desktop " + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer registered = admin.post("/api/templates", admin.write(Map.of("name", templateName,
                "vcpus", 1, "memoryMiB", 256)));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String template = registered.json().get("id").asText();
        assertThat(admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath",
                TestImages.image("audited-" + UUID.randomUUID() + ".img").toString()))).status()).isEqualTo(201);
        poolName = "Recorded pool " + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Answer pool = admin.post("/api/pools", admin.write(Map.of("name", poolName, "templateId", template,
                "type", "FLOATING", "minSpare", 1, "maxSize", 2, "entitledUsers", List.of("alice"), "recording", true)));
        assertThat(pool.status()).as(pool.body()).isEqualTo(201);
        UUID poolId = UUID.fromString(pool.json().get("id").asText());

        BrokerHttp http = new BrokerHttp(port, json);
        BrokerHttp alice = http.as("alice", "demo");
        sessionId = UUID.fromString(alice.post("/api/sessions", Map.of("poolId", poolId)).body().path("id").asText());
        JsonNode session = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> alice.get("/api/sessions/" + sessionId).body(), s -> s.path("state").asText().equals("READY"));
        desktopId = UUID.fromString(session.path("desktopId").asText());
        requestedAt = Instant.now().minusSeconds(120);

        // the gateway's redemption as the redeemer performs it once it found the display (the test driver has none)
        new GatewayTelemetry((KafkaTopic) null, http, commands).redeem(session);
        String recording = recordingStarter.startFor(sessionId, desktopId, poolId, "alice").orElseThrow();
        commands.send(new RecordSessionConnectedCommand(sessionId, GatewayTelemetry.GATEWAY_ID, "192.0.2.7",
                Instant.now()), "gateway");
        try (VncDisplay display = VncDisplay.start("rec-1234", WORK)) {
            int syncs = GuacdRecording.record(Guacd.port(WORK), display.port(), display.password(), RECORDINGS, recording,
                    RECORDED);
            assertThat(syncs).as("frames guacd streamed and recorded").isGreaterThan(5);
        }
        commands.send(new RecordSessionDisconnectedCommand(sessionId, GatewayTelemetry.GATEWAY_ID, "closed",
                RECORDED.toMillis(), 100_000, 100, Instant.now()), "gateway");
        assertThat(alice.delete("/api/sessions/" + sessionId).status()).isLessThan(300);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> jdbc.sql(
                "SELECT count(*) FROM audit_session WHERE session_id = ? AND ended_at IS NOT NULL AND recording_url IS NOT NULL")
                .param(sessionId).query(Long.class).single() == 1);
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAlicesRecordedSession_whenAudreyFindsItByUserAndTimeAndOpensItsTimeline_thenSheCanPlayAndSeekItsRecording()
            throws Exception {
        new PortalPage(browser, port).signIn("audrey", "demo");
        AuditPage audit = new AuditPage(browser).awaitOpen("audrey");

        // the session history, by user and time
        WebElement row = audit.searchSessions("alice", requestedAt, Instant.now().plusSeconds(600), sessionId);
        assertThat(row.getText()).contains("alice", poolName, templateName + " v1", "ENDED", "192.0.2.7");
        assertThat(row.findElement(By.cssSelector("a.recording-link")).getDomAttribute("href"))
                .isEqualTo("/recordings.html?sessionId=" + sessionId);
        String csv = browser.findElement(By.id("sessions-csv")).getDomAttribute("href");
        assertThat(csv).startsWith("/api/audit/sessions?").contains("user=alice", "format=csv");
        ApiClient.Answer export = new ApiClient(port, "audrey", "demo").get(csv);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.body()).contains(sessionId.toString(), "/recordings.html?sessionId=" + sessionId);

        // her timeline: the session is a bar from its request to its end; clicking it opens the session
        audit.openUserTimeline(sessionId, "alice");
        assertThat(browser.findElement(By.id("timeline-title")).getDomProperty("textContent")).isEqualTo("Timeline of alice");
        assertThat(audit.bar(sessionId).getDomAttribute("class")).contains("ended");
        assertThat(browser.findElements(By.cssSelector("#timeline .vis-item.vis-background.connected"))).isNotEmpty();
        Files.createDirectories(WORK);
        Files.write(WORK.resolve("audit-timeline.png"), browser.getScreenshotAs(OutputType.BYTES));
        audit.openSession(sessionId);
        assertThat(browser.findElement(By.id("detail-facts")).getText())
                .contains("alice", desktopId.toString(), templateName + " v1", "192.0.2.7");

        // the desktop's timeline from the session, then the session's recording
        audit.openDesktopTimeline(desktopId);
        audit.bar(sessionId);
        RecordingPlayerPage player = audit.playFirstRecording();

        // the player: its duration, its progress while it plays, and a seek
        long duration = player.awaitLoaded(Duration.ofSeconds(60));
        assertThat(duration).as("the recording's duration in ms").isBetween(2_000L, RECORDED.toMillis() + 2_000);
        assertThat(player.shownDuration()).isEqualTo("0:0" + duration / 1000);
        assertThat(player.facts()).contains(sessionId.toString(), "alice", "STORED");
        assertThat(player.playAWhileAndPause()).isPositive();
        long target = duration / 2;
        long seekedTo = player.seek(target);
        // the player lands on a frame next to the target (its frames are a few hundred ms apart here)
        assertThat(seekedTo).as("the frame nearest the target").isBetween(target - 1_000, target + 1_000);
        assertThat(player.shownPosition()).isEqualTo("0:0" + seekedTo / 1000);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, WORK.resolve("audit-recording.png"), StandardCopyOption.REPLACE_EXISTING);

        // every read was recorded: the searches, the timelines, the recordings, the play
        assertThat(reads("SESSIONS")).as("search, user timeline, desktop timeline").isGreaterThanOrEqualTo(3);
        assertThat(reads("RECORDINGS")).as("the session's recordings and the player's recording").isGreaterThanOrEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE ? AND convert_from(payload, 'UTF8')"
                + " LIKE ?").params("%RecordingPlayedEvent", "%" + sessionId + "%").query(Long.class).single()).isEqualTo(1);
        List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(entry -> !entry.getMessage().contains("/favicon.ico")).toList();
        assertThat(problems).as("console errors and CSP violations").isEmpty();
    }

    private long reads(String what) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype LIKE ? AND convert_from(payload, 'UTF8')"
                + " LIKE ? AND convert_from(payload, 'UTF8') LIKE ?")
                .params("%AuditDataReadEvent", "%\"reader\":\"audrey\"%", "%\"what\":\"" + what + "\"%")
                .query(Long.class).single();
    }
}
