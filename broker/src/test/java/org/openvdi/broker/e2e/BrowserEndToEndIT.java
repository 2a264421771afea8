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
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openvdi.broker.ApiClient;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;
import org.openvdi.broker.TcpProxy;

/**
 * The whole product on one machine, shared with the other browser tests ({@link SharedProduct}): the broker
 * (embedded PostgreSQL, in-process KRaft Kafka), the gateway, guacd, libvirtd with the tiny desktop booting under
 * software emulation, and headless Chromium, which reaches the gateway through a TCP proxy whose connections a test
 * can cut. Employees open desktops from the portal and see the guest's console pixels in the display canvas; closing
 * the tab is recorded as SessionDisconnected, and a cut network path or a gateway restart reconnects the page in
 * place with its resume token, which then cannot be used again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedProduct.class)
class BrowserEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path work = Path.of("target/it/e2e-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    private ProductStack product;
    private AdminScenario admin;
    private String pool;
    private ChromeDriver browser;
    private PortalPage portal;
    private DesktopPage desktop;

    @BeforeAll
    void startTheProduct(ProductStack shared) throws Exception {
        Files.createDirectories(work);
        product = shared;
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

    /**
     * Alice shares her desktop with Bob, in the same Chromium (Bob signs in at 127.0.0.1, Alice at localhost: their
     * cookies never mix). Alice clears her console with the tab's on-screen keyboard and Bob's view-only tab shows it;
     * Bob's typing in view-only changes nothing; through a link with control his typing reaches the desktop. When she
     * withdraws that link, his tab is cut off and says why.
     */
    @Test
    void givenAlicesDesktopOnScreen_whenSheSharesItWithBob_thenBobWatchesAndTypesOnlyWithControl() throws Exception {
        signInAndOpenTheDesktop("alice");
        String aliceTab = browser.getWindowHandle();
        String sessionId = product.as("alice").get("/api/sessions").json().get(0).get("id").asText();
        String bobWindow = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        browser.get("http://127.0.0.1:" + product.brokerPort() + "/login");
        browser.findElement(By.id("username")).sendKeys("bob");
        browser.findElement(By.id("password")).sendKeys("demo");
        browser.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.getCurrentUrl().contains("/login"));

        openShareLink(sessionId, "VIEW");
        assertThat(script("return window.openvdiShared")).isEqualTo("VIEW");
        assertThat(browser.findElement(By.id("sharing")).getText()).contains("view only");
        browser.switchTo().window(aliceTab);
        await().atMost(Duration.ofSeconds(30)).until(() -> "[[\"bob\",\"VIEW\"]]".equals(
                script("return JSON.stringify(window.openvdiViewers)")));
        assertThat(browser.findElement(By.id("sharing")).getText()).contains("bob (view only)");
        browser.findElement(By.id("menu-toggle")).click();
        browser.findElement(By.id("osk-toggle")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("osk")).isDisplayed());
        // the library names a one-character key by its code point: c is 0x63
        for (String key : List.of("0x63", "0x6c", "0x65", "0x61", "0x72", "enter")) {
            browser.findElement(By.cssSelector("#osk .guac-keyboard-key-" + key)).click();
        }
        assertThat(script("return window.openvdiKeysSent.filter(k => k[0] === 1).map(k => k[1]).join(',')"))
                .isEqualTo("99,108,101,97,114,65293");

        browser.switchTo().window(bobWindow);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> litPixels() < 400);
        Files.write(work.resolve("shared-view-cleared.png"), desktop.screenshot());
        new Actions(browser).sendKeys("dmesg" + Keys.ENTER).perform();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(250))
                .until(() -> litPixels() < 400);

        String controlShare = openShareLink(sessionId, "CONTROL");
        assertThat(script("return window.openvdiShared")).isEqualTo("CONTROL");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> litPixels() < 400);
        new Actions(browser).sendKeys("dmesg" + Keys.ENTER).perform();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> litPixels() > 2000);
        Files.write(work.resolve("shared-control-typed.png"), desktop.screenshot());
        assertThat(admin.eventTypes(sessionId)).contains("SessionSharedEvent", "SharedSessionJoinedEvent");

        // Alice withdraws the link: Bob's tab is cut off within seconds and says why, Alice's stays on her desktop
        assertThat(product.as("alice").delete("/api/sessions/" + sessionId + "/shares/" + controlShare).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> "error:SHARE_REVOKED".equals(desktop.look().state()));
        assertThat(browser.findElement(By.id("status-title")).getText()).isEqualTo("Sharing stopped");
        browser.switchTo().window(aliceTab);
        await().atMost(Duration.ofSeconds(30)).until(() -> "[]".equals(
                script("return JSON.stringify(window.openvdiViewers)")));
        assertThat(script("return window.openvdiState")).isEqualTo("connected");
        assertThat(admin.eventTypes(sessionId)).contains("ShareRevokedEvent");
    }

    /**
     * Alice shares her session through the API; Bob's window opens the link and waits until it shows the guest.
     * Returns the share's id.
     */
    private String openShareLink(String sessionId, String mode) {
        ApiClient.Answer shared = product.as("alice").post("/api/sessions/" + sessionId + "/shares",
                "{\"mode\":\"" + mode + "\",\"viewer\":\"bob\"}");
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String link = shared.json().get("link").asText();
        browser.get("http://127.0.0.1:" + product.brokerPort() + link.substring(link.indexOf("/shared.html")));
        desktop = new DesktopPage(browser);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> desktop.look().connected());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> desktop.look().showsGuest());
        return shared.json().get("id").asText();
    }

    /** Bright pixels (text) in the largest canvas of the display, every 3rd pixel. */
    private long litPixels() {
        return ((Number) script("""
                const canvases = [...document.querySelectorAll('#display canvas')].filter(c => c.width > 0);
                const canvas = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
                if (!canvas) return 1e9;
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let lit = 0;
                for (let i = 0; i < data.length; i += 4 * 3) {
                  if (data[i] + data[i + 1] + data[i + 2] > 300) lit++;
                }
                return lit;""")).longValue();
    }

    /** Signs in at the portal, opens the pool's desktop in a new tab and waits there until the guest's pixels show. */
    private void signInAndOpenTheDesktop(String user) throws IOException {
        browser = HeadlessChromium.startWithNetworkLog(work.resolve("chromium"));
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
    void deleteThePool() {
        SharedProduct.deletePool(product, pool);
    }
}
