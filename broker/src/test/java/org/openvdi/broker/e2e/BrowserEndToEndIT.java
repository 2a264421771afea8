package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;
import org.openvdi.broker.TcpProxy;

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
    private ProductStack product;
    private AdminScenario admin;
    private String pool;
    private ChromeDriver browser;
    private PortalPage portal;
    private DesktopPage desktop;

    @BeforeAll
    void startTheProduct() throws Exception {
        product = ProductStack.startWithCuttableGatewayPath(work, storagePool, 2);
        admin = product.admin();
        pool = admin.pool("Demo desktops", product.template(), "FLOATING", "KEEP_RUNNING", 1, 2, "alice", "bob");
    }

    @Test
    void givenAliceEntitled_whenSheOpensADesktopFromThePortal_thenTheCanvasShowsTheGuestAndClosingDisconnects() throws Exception {
        signInAndOpenTheDesktop("alice");
        Files.write(work.resolve("desktop.png"), desktop.screenshot());
        JsonNode session = product.as("alice").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.eventTypes(sessionId).contains("SessionConnectedEvent"));

        portal.closeDesktopTab();

        await().atMost(Duration.ofSeconds(60)).until(() -> admin.eventTypes(sessionId).contains("SessionDisconnectedEvent"));
        assertThat(admin.eventTypes(sessionId)).contains("ConnectionTokenIssuedEvent", "ConnectionTokenRedeemedEvent",
                "ResumeTokenIssuedEvent");
    }

    @Test
    void givenBobsDesktopOnScreen_whenThePathToTheGatewayIsCutOrTheGatewayRestarts_thenThePageReconnectsInPlace()
            throws Exception {
        signInAndOpenTheDesktop("bob");
        String pageUrl = browser.getCurrentUrl();
        JsonNode session = product.as("bob").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        String desktopId = session.get("desktopId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.eventTypes(sessionId).contains("SessionConnectedEvent"));
        script("document.querySelector('#display > *').dataset.beforeTheCut = 'true'");

        TcpProxy network = product.gatewayPath();
        network.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> desktop.look().state().equals("reconnecting"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text("status-title").equals("Reconnecting…, attempt 2"));
        assertThat(browser.findElement(By.id("status")).isDisplayed()).isTrue();
        Files.write(work.resolve("reconnecting.png"), desktop.screenshot());
        network.start();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> desktop.look().connected());
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl).startsWith("http://localhost:" + network.port() + "/connect");
        assertThat(script("return document.querySelectorAll('[data-before-the-cut]').length")).isEqualTo(0L);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().showsGuest());
        Files.write(work.resolve("reconnected.png"), desktop.screenshot());
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.eventTypes(sessionId).stream()
                .filter("SessionConnectedEvent"::equals).count() == 2);
        List<JsonNode> connections = admin.events(sessionId).stream()
                .filter(e -> e.path("type").asText().matches("Session(Connected|Disconnected)Event")).toList();
        assertThat(connections).extracting(e -> e.path("type").asText()).containsExactly(
                "SessionConnectedEvent", "SessionDisconnectedEvent", "SessionConnectedEvent");
        assertThat(connections).extracting(e -> e.path("payload").path("desktopId").asText()).containsOnly(desktopId);
        assertThat(admin.eventTypes(sessionId).stream().filter("ResumeTokenIssuedEvent"::equals)).hasSize(2);

        product.stopGateway();
        await().atMost(Duration.ofSeconds(30)).until(() -> desktop.look().state().equals("reconnecting"));
        product.startGateway();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> desktop.look().connected());
        assertThat(browser.getCurrentUrl()).isEqualTo(pageUrl);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().showsGuest());
        await().atMost(Duration.ofSeconds(60)).until(() -> admin.eventTypes(sessionId).stream()
                .filter("SessionConnectedEvent"::equals).count() == 3);
        assertThat(admin.events(sessionId)).filteredOn(e -> e.path("type").asText().equals("SessionConnectedEvent"))
                .extracting(e -> e.path("payload").path("desktopId").asText()).containsOnly(desktopId);

        String usedResumeToken = tokenOfTheLastTunnel();
        String replay = tunnelAnswer(usedResumeToken);
        assertThat(replay).startsWith("4403 ").contains("TOKEN_ALREADY_USED");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.events(sessionId).stream().anyMatch(e ->
                e.path("type").asText().equals("ConnectionTokenRejectedEvent")
                        && e.path("payload").path("code").asText().equals("TOKEN_ALREADY_USED")));
    }

    /** Signs in at the portal, opens the pool's desktop in a new tab and waits there until the guest's pixels show. */
    private void signInAndOpenTheDesktop(String user) throws IOException {
        browser = HeadlessChromium.start(work.resolve("chromium"));
        portal = new PortalPage(browser, product.brokerPort()).signIn(user, "demo").awaitPool(pool);
        portal.clickOpen(pool);
        desktop = portal.desktopTab(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().connected());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().showsGuest());
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
                .buildAsync(URI.create("ws://127.0.0.1:" + product.gatewayPort() + "/tunnel?token=" + token),
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
        if (product != null) {
            product.close();
        }
    }
}
