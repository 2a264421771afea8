package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.session.api.RecordSessionConnectedCommand;
import org.openvdi.broker.session.api.RecordSessionDisconnectedCommand;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The employees' portal in headless Chromium against a real broker whose host is libvirt's test driver: it offers
 * only what the signed-in person may open (admins and auditors who are entitled to nothing get their console
 * instead of Open buttons that fail), uses the page's width, says when a disconnected desktop is given up and that a
 * pool is being removed, and hands a reloaded desktop tab a fresh connect link for the same session. The gateway
 * the portal sends browsers to is a recorder of the requests it gets: what it would do with them is covered by the
 * gateway's own tests and DesktopTabBrowserIT.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.test.scenario=portal-browser", "openvdi.connect.disconnect-timeout=20m"})
class PortalBrowserTest {

    private static final List<String> GATEWAY_REQUESTS = new CopyOnWriteArrayList<>();
    private static final HttpServer GATEWAY = recorder();

    @LocalServerPort
    int port;
    @Autowired
    CommandGateway commands;

    ApiClient admin;
    AdminScenario scenario;
    String alicesPool;
    String bobsPool;
    // one browser for the class (starting Chromium costs seconds on two cores); each test starts signed out
    static ChromeDriver browser;

    private static HttpServer recorder() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                GATEWAY_REQUESTS.add(exchange.getRequestURI().toString());
                byte[] body = "<!doctype html><title>gateway</title>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void gatewayUrl(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway-url", () -> "http://127.0.0.1:" + GATEWAY.getAddress().getPort());
    }

    @AfterAll
    static void stopRecorderAndBrowser() {
        GATEWAY.stop(0);
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void poolsForAliceAndBob() throws IOException {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        if (admin.get("/api/hosts").json().isEmpty()) {
            scenario.host("portal-host", "test:///default", 20);
        }
        String template = scenario.template("portal-" + UUID.randomUUID());
        alicesPool = scenario.pool("Alice's desktops " + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        bobsPool = scenario.pool("Bob's desktops " + UUID.randomUUID(), template, "FLOATING", "KEEP_RUNNING", 0, 3, "bob");
        if (browser == null) {
            browser = HeadlessChromium.start(Path.of("target/it/chromium"));
        }
        browser.get("http://localhost:" + port + "/login");
        browser.manage().deleteAllCookies();
        browser.executeScript("localStorage.clear(); sessionStorage.clear();");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @AfterEach
    void printConsole() {
        // the page's console, for a failure's diagnosis
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).forEach(entry ->
                System.out.println("browser console: " + entry));
    }

    private void signIn(String user) {
        new PortalPage(browser, port).signIn(user, "demo");
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("who")).getText().equals(user));
    }

    private int openButtons() {
        return browser.findElements(By.cssSelector("[data-action='request']")).size();
    }

    @Test
    void givenAnAdminAndAnAuditorEntitledToNothing_whenTheyOpenThePortal_thenTheyGetTheirConsoleAndNoOpenButton() {
        signIn("admin");
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("console")).isDisplayed());
        assertThat(browser.findElement(By.cssSelector("[data-console='admin']")).getAttribute("href")).endsWith("/admin");
        assertThat(browser.findElements(By.cssSelector("[data-console='audit']"))).isEmpty();
        assertThat(browser.findElement(By.id("desktops")).isDisplayed()).isFalse();
        assertThat(openButtons()).isZero();

        // an auditor, who has no desktops at all, is taken from the portal to the audit page
        browser.manage().deleteAllCookies();
        new PortalPage(browser, port).signIn("audrey", "demo");
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.getCurrentUrl().endsWith("/audit"));
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("who")).getText().startsWith("audrey"));
        assertThat(openButtons()).isZero();
    }

    @Test
    void givenAliceOnAWideScreen_whenSheOpensThePortal_thenSheSeesOnlyHerPoolAndTheCardsUseThePagesWidth() {
        browser.manage().window().setSize(new Dimension(1800, 900));
        signIn("alice");
        By mine = By.cssSelector("[data-pool='" + alicesPool + "'] [data-action='request']");
        await().atMost(Duration.ofSeconds(45)).until(() -> !browser.findElements(mine).isEmpty());

        assertThat(browser.findElements(By.cssSelector("[data-pool='" + bobsPool + "']"))).isEmpty();
        assertThat(browser.findElement(By.id("console")).isDisplayed()).isFalse();
        long main = ((Number) browser.executeScript("return document.querySelector('main').getBoundingClientRect().width"))
                .longValue();
        long page = ((Number) browser.executeScript("return document.documentElement.clientWidth")).longValue();
        assertThat(main).as("main's width on a %d px page", page).isGreaterThan(page - 100);
        long cards = ((Number) browser.executeScript(
                "return new Set([...document.querySelectorAll('#pools .card, #sessions > *')].map(c => c.getBoundingClientRect().top)).size"))
                .longValue();
        assertThat(cards).isPositive();
    }

    @Test
    void givenAlicesPoolBeingDeleted_whenSheLooksAtThePortal_thenItsCardSaysWhenSessionsEndAndOffersNoOpen() {
        // her open session keeps the pool draining until the deadline (without one it would be deleted at once)
        ApiClient alice = new ApiClient(port, "alice", "demo");
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + alicesPool + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText()
                .equals("READY"));
        signIn("alice");
        By open = By.cssSelector("[data-pool='" + alicesPool + "'] [data-action='request']");
        await().atMost(Duration.ofSeconds(45)).until(() -> !browser.findElements(open).isEmpty());

        assertThat(admin.delete("/api/pools/" + alicesPool + "?deadline=PT30M").status()).isEqualTo(202);

        By draining = By.cssSelector("[data-pool='" + alicesPool + "'][data-state='DRAINING'] [data-draining]");
        await().atMost(Duration.ofSeconds(45)).until(() -> !browser.findElements(draining).isEmpty());
        assertThat(browser.findElement(draining).getText()).contains("being removed").contains("takes no new sessions");
        assertThat(browser.findElements(open)).isEmpty();
        assertThat(browser.findElements(By.cssSelector("[data-session='" + session + "']"))).hasSize(1);
    }

    @Test
    void givenAlicesDisconnectedSession_whenSheLooksAtThePortal_thenItSaysUntilWhenHerDesktopIsKept() {
        ApiClient alice = new ApiClient(port, "alice", "demo");
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + alicesPool + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText()
                .equals("READY"));
        // the test driver's desktops have no display, so no gateway connects: the gateway's telemetry is sent as commands
        UUID id = UUID.fromString(session);
        commands.sendAndWait(new RecordSessionConnectedCommand(id, "gw-portal", "192.0.2.1", Instant.now()));
        commands.sendAndWait(new RecordSessionDisconnectedCommand(id, "gw-portal", "BROWSER_CLOSED", 1000, 10, 10,
                Instant.now()));
        await().atMost(Duration.ofSeconds(45)).until(() -> alice.get("/api/sessions/" + session).json().get("state")
                .asText().equals("DISCONNECTED"));
        assertThat(Instant.parse(alice.get("/api/sessions/" + session).json().get("keptUntil").asText()))
                .isBetween(Instant.now().plus(Duration.ofMinutes(19)), Instant.now().plus(Duration.ofMinutes(20)));

        signIn("alice");
        By card = By.cssSelector("[data-session='" + session + "']");
        await().atMost(Duration.ofSeconds(45)).until(() -> !browser.findElements(card).isEmpty()
                && browser.findElement(card).getText().contains("kept for you until"));
        assertThat(browser.findElement(card).getText()).containsPattern("\\(1[89] min left\\)");
    }

    @Test
    void givenAReloadedDesktopTab_whenItSendsAliceToThePortalWithHerSession_thenSheIsSentBackWithAFreshLinkForIt() {
        ApiClient alice = new ApiClient(port, "alice", "demo");
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + alicesPool + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText()
                .equals("READY"));
        signIn("alice");
        long issued = scenario.eventTypes(session).stream().filter("ConnectionTokenIssuedEvent"::equals).count();
        GATEWAY_REQUESTS.clear();

        browser.get("http://localhost:" + port + "/?reconnect=" + session);

        await().atMost(Duration.ofSeconds(45)).until(() -> GATEWAY_REQUESTS.stream()
                .anyMatch(r -> r.matches("/connect\\?token=[^&]+&session=" + session)));
        assertThat(scenario.eventTypes(session).stream().filter("ConnectionTokenIssuedEvent"::equals)).hasSize((int) issued + 1);
        assertThat(browser.getCurrentUrl()).contains("/connect?token=").contains("session=" + session);

        // someone else's session, a session that is over and junk get no link: the portal says so or ignores it
        GATEWAY_REQUESTS.clear();
        browser.get("http://localhost:" + port + "/?reconnect=" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("error")).isDisplayed());
        assertThat(browser.findElement(By.id("error")).getText()).contains("No session");
        assertThat(alice.delete("/api/sessions/" + session).status()).isEqualTo(200);
        browser.get("http://localhost:" + port + "/?reconnect=" + session);
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("error")).getText()
                .contains("has ended"));
        browser.get("http://localhost:" + port + "/?reconnect=..%2F..%2Fapi%2Fpools");
        await().atMost(Duration.ofSeconds(45)).until(() -> !browser.findElements(By.cssSelector("[data-pool]")).isEmpty());
        // the gateway's connect page loaded above may still fetch its icon: anything else would be a link
        assertThat(GATEWAY_REQUESTS).filteredOn(request -> !request.equals("/favicon.ico")).isEmpty();
        assertThat(browser.getCurrentUrl()).doesNotContain("reconnect");
    }
}
