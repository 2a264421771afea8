package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.TcpProxy;
import org.openvdi.broker.Virsh;

/**
 * The whole product on one machine: the broker (embedded PostgreSQL, in-process KRaft Kafka), the
 * gateway, guacd, libvirtd with the tiny desktop booting under software emulation, and headless
 * Chromium, which reaches the gateway through a TCP proxy whose connections a test can cut. Employees
 * open desktops from the portal and see the guest's console pixels in the display canvas; closing the
 * tab is recorded as SessionDisconnected, and a cut network path or a gateway restart reconnects the
 * page in place with its resume token, which then cannot be used again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String storagePool = "openvdi-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/e2e-" + storagePool).toAbsolutePath();
    private final List<AutoCloseable> running = new ArrayList<>();
    private AppProcess broker;
    private AppProcess gateway;
    private TcpProxy network;
    private ApiClient admin;
    private String pool;
    private ChromeDriver browser;

    @BeforeAll
    void startTheProduct() throws Exception {
        int kafkaPort = AppProcess.freePort();
        Path images = Files.createDirectories(work.resolve("images"));
        Path image = images.resolve("tiny-desktop.img");
        Files.copy(AppProcess.tinyImage(), image);
        String secret = UUID.randomUUID().toString();

        gateway = AppProcess.gateway(work.resolve("gateway"), List.of("--openvdi.gateway.broker-secret=" + secret,
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort));
        network = new TcpProxy(new InetSocketAddress("127.0.0.1", gateway.port()));
        broker = AppProcess.broker(work.resolve("broker"), List.of("--openvdi.images.directories=" + images,
                "--openvdi.kafka.embedded-port=" + kafkaPort, "--openvdi.kafka.embedded-directory=" + work.resolve("kafka"),
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort, "--openvdi.security.gateway-secret=" + secret,
                "--openvdi.gateway-url=http://localhost:" + network.port()));
        running.add(broker);
        broker.start();
        gateway.arg("--openvdi.gateway.broker-url=http://localhost:" + broker.port())
                .arg("--openvdi.gateway.portal-url=http://localhost:" + broker.port() + "/");
        running.add(gateway);
        gateway.start();
        running.add(network);
        network.start();

        admin = new ApiClient(broker.port(), "admin", "demo");
        assertThat(admin.post("/api/hosts", admin.write(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu",
                "maxDesktops", 2, "storagePool", storagePool))).status()).isEqualTo(201);
        String template = admin.post("/api/templates", admin.write(Map.of("name", "Tiny desktop", "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath", image.toString())));
        pool = admin.post("/api/pools", admin.write(Map.of("name", "Demo desktops", "templateId", template,
                "type", "FLOATING", "minSpare", 1, "maxSize", 2, "entitledUsers", List.of("alice", "bob"))))
                .json().get("id").asText();
    }

    @Test
    void givenAliceEntitled_whenSheOpensADesktopFromThePortal_thenTheCanvasShowsTheGuestAndClosingDisconnects() throws Exception {
        String portalTab = signInAndOpenTheDesktop("alice");
        Files.write(work.resolve("desktop.png"), browser.getScreenshotAs(OutputType.BYTES));
        JsonNode session = new ApiClient(broker.port(), "alice", "demo").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes(sessionId).contains("SessionConnectedEvent"));

        browser.close();
        browser.switchTo().window(portalTab);

        await().atMost(Duration.ofSeconds(60)).until(() -> eventTypes(sessionId).contains("SessionDisconnectedEvent"));
        assertThat(eventTypes(sessionId)).contains("ConnectionTokenIssuedEvent", "ConnectionTokenRedeemedEvent",
                "ResumeTokenIssuedEvent");
    }

    @Test
    void givenBobsDesktopOnScreen_whenThePathToTheGatewayIsCutOrTheGatewayRestarts_thenThePageReconnectsInPlace()
            throws Exception {
        signInAndOpenTheDesktop("bob");
        String pageUrl = browser.getCurrentUrl();
        JsonNode session = new ApiClient(broker.port(), "bob", "demo").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        String desktopId = session.get("desktopId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes(sessionId).contains("SessionConnectedEvent"));
        script("document.querySelector('#display > *').dataset.beforeTheCut = 'true'");

        network.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> "reconnecting".equals(script("return window.openvdiState")));
        await().atMost(Duration.ofSeconds(30)).until(() -> text("status-title").equals("Reconnecting…, attempt 2"));
        assertThat(browser.findElement(By.id("status")).isDisplayed()).isTrue();
        Files.write(work.resolve("reconnecting.png"), browser.getScreenshotAs(OutputType.BYTES));
        network.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> "connected".equals(script("return window.openvdiState")));
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl).startsWith("http://localhost:" + network.port() + "/connect");
        assertThat(script("return document.querySelectorAll('[data-before-the-cut]').length")).isEqualTo(0L);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> colours() >= 2);
        Files.write(work.resolve("reconnected.png"), browser.getScreenshotAs(OutputType.BYTES));
        await().atMost(Duration.ofSeconds(60)).until(() -> eventTypes(sessionId).stream()
                .filter("SessionConnectedEvent"::equals).count() == 2);
        List<JsonNode> connections = events(sessionId).stream()
                .filter(e -> e.path("type").asText().matches("Session(Connected|Disconnected)Event")).toList();
        assertThat(connections).extracting(e -> e.path("type").asText()).containsExactly(
                "SessionConnectedEvent", "SessionDisconnectedEvent", "SessionConnectedEvent");
        assertThat(connections).extracting(e -> e.path("payload").path("desktopId").asText()).containsOnly(desktopId);
        assertThat(eventTypes(sessionId).stream().filter("ResumeTokenIssuedEvent"::equals)).hasSize(2);

        gateway.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> "reconnecting".equals(script("return window.openvdiState")));
        gateway.start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> "connected".equals(script("return window.openvdiState")));
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> colours() >= 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> eventTypes(sessionId).stream()
                .filter("SessionConnectedEvent"::equals).count() == 3);
        assertThat(events(sessionId)).filteredOn(e -> e.path("type").asText().equals("SessionConnectedEvent"))
                .extracting(e -> e.path("payload").path("desktopId").asText()).containsOnly(desktopId);

        String usedResumeToken = tokenOfTheLastTunnel();
        String replay = tunnelAnswer(usedResumeToken);
        assertThat(replay).startsWith("4403 ").contains("TOKEN_ALREADY_USED");
        await().atMost(Duration.ofSeconds(10)).until(() -> events(sessionId).stream().anyMatch(e ->
                e.path("type").asText().equals("ConnectionTokenRejectedEvent")
                        && e.path("payload").path("code").asText().equals("TOKEN_ALREADY_USED")));
    }

    /** Signs in at the portal, opens the pool's desktop in a new tab and waits there until the guest's pixels show. */
    private String signInAndOpenTheDesktop(String user) throws IOException {
        browser = HeadlessChromium.start(work.resolve("chromium"));
        String portal = "http://localhost:" + broker.port();
        browser.get(portal + "/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys("demo");
        browser.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("[data-pool='" + pool + "'] button")).isEmpty());
        String portalTab = browser.getWindowHandle();
        browser.findElement(By.cssSelector("[data-pool='" + pool + "'] button")).click();

        await().atMost(Duration.ofSeconds(30)).until(() -> browser.getWindowHandles().size() == 2);
        String desktopTab = browser.getWindowHandles().stream().filter(h -> !h.equals(portalTab)).findFirst().orElseThrow();
        browser.switchTo().window(desktopTab);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                "connected".equals(script("return window.openvdiState")));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> colours() >= 2);
        return portalTab;
    }

    /** Distinct colours in the Guacamole display (all layers flattened): a booted console has text on a background. */
    private long colours() {
        Object count = script("""
                const canvases = [...document.querySelectorAll('#display canvas')].filter(c => c.width > 0 && c.height > 0);
                const seen = new Set();
                for (const canvas of canvases) {
                  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  for (let i = 0; i < data.length && seen.size < 64; i += 4 * 97) {
                    if (data[i + 3] > 0) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
                  }
                }
                return seen.size;""");
        return ((Number) count).longValue();
    }

    private Object script(String javascript) {
        return ((JavascriptExecutor) browser).executeScript(javascript);
    }

    private String text(String elementId) {
        return browser.findElement(By.id(elementId)).getText();
    }

    /** The token of the last tunnel the page opened, from the WebSocket URLs in Chromium's network log. */
    private String tokenOfTheLastTunnel() {
        String url = null;
        for (LogEntry entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = readJson(entry.getMessage()).path("message");
            if (message.path("method").asText().equals("Network.webSocketCreated")) {
                url = message.path("params").path("url").asText();
            }
        }
        assertThat(url).as("a WebSocket the page opened").isNotNull().contains("/tunnel?token=");
        return URI.create(url).getQuery().replaceFirst("^token=([^&]*).*$", "$1");
    }

    /** What the gateway answers a tunnel presenting the token: its close code, a space, and the instructions it sent. */
    private String tunnelAnswer(String token) throws Exception {
        StringBuilder received = new StringBuilder();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("guacamole")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/tunnel?token=" + token),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                received.append(data);
                                socket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                                closed.complete(code);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        return closed.get(30, TimeUnit.SECONDS) + " " + received;
    }

    private List<JsonNode> events(String aggregateId) {
        return StreamSupport.stream(admin.get("/api/events?aggregateId=" + aggregateId).json().spliterator(), false)
                .toList();
    }

    private List<String> eventTypes(String aggregateId) {
        return events(aggregateId).stream().map(e -> e.get("type").asText()).toList();
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        Virsh.removeDesktopsAndPool(storagePool);
    }
}
