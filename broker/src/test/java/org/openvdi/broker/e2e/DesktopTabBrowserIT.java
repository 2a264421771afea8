package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The desktop tab in headless Chromium, on the real gateway (its packaged jar as a process, with a guacd of its own)
 * and a real broker whose host is libvirt's test driver. The test driver's desktops have no display, so every
 * redemption ends in DESKTOP_GONE before guacd is asked for anything: enough to show that reloading the tab no longer
 * says "This link has expired" but goes through the signed-in portal for a fresh link to the same session, that the
 * menu sends Ctrl-Alt-Del and switches fullscreen, and that the gateway's root leads to the portal. The pixels of a
 * connected desktop are BrowserEndToEndIT's.
 */
@BrokerTest
@TestPropertySource(properties = "openvdi.test.scenario=desktop-tab")
class DesktopTabBrowserIT {

    private static final Path WORK = Path.of("target/it/desktop-tab-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private static final AppProcess GATEWAY = gatewayProcess();
    private static Process guacd;

    @LocalServerPort
    int port;
    AdminScenario scenario;
    String pool;
    ChromeDriver browser;

    private static AppProcess gatewayProcess() {
        try {
            return AppProcess.gateway(WORK.resolve("gateway"), List.of("--spring.kafka.bootstrap-servers=localhost:9"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void gatewayUrl(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway-url", () -> "http://localhost:" + GATEWAY.port());
    }

    @BeforeEach
    void gatewayAndPool() throws Exception {
        if (guacd == null) {
            int guacdPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                guacdPort = socket.getLocalPort();
            }
            Files.createDirectories(WORK);
            guacd = new ProcessBuilder("guacd", "-b", "127.0.0.1", "-l", Integer.toString(guacdPort), "-f", "-L", "info")
                    .redirectErrorStream(true).redirectOutput(new File(WORK.resolve("guacd.log").toString())).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> listening(guacdPort));
            GATEWAY.env("OPENVDI_GATEWAY_BROKER_SECRET", "test-gateway-secret")
                    .arg("--openvdi.gateway.broker-url=http://localhost:" + port)
                    .arg("--openvdi.gateway.portal-url=http://localhost:" + port + "/")
                    .arg("--openvdi.gateway.guacd-port=" + guacdPort);
            GATEWAY.start();
        }
        scenario = new AdminScenario(port);
        if (scenario.admin().get("/api/hosts").json().isEmpty()) {
            scenario.host("desktop-tab-host", "test:///default", 10);
        }
        pool = scenario.pool("Tab " + UUID.randomUUID(), scenario.template("tab-" + UUID.randomUUID()), "FLOATING",
                "KEEP_RUNNING", 1, 3, "alice");
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterAll
    static void stopGatewayAndGuacd() throws InterruptedException {
        GATEWAY.close();
        if (guacd != null) {
            guacd.destroy();
        }
    }

    private String state() {
        return String.valueOf(browser.executeScript("return window.openvdiState"));
    }

    private long tokensIssued(String session) {
        return scenario.eventTypes(session).stream().filter("ConnectionTokenIssuedEvent"::equals).count();
    }

    /** Alice opens a desktop from the portal: the tab reaches the gateway's page, which ends in DESKTOP_GONE here. */
    private String openFromThePortal() {
        PortalPage portal = new PortalPage(browser, port).signIn("alice", "demo");
        portal.awaitPool(pool);
        portal.clickOpen(pool);
        portal.desktopTab(Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(60)).until(() -> browser.getCurrentUrl().contains("/connect"));
        await().atMost(Duration.ofSeconds(30)).until(() -> state().startsWith("error:"));
        return browser.getCurrentUrl().replaceFirst("^.*[?&]session=([0-9a-f-]{36}).*$", "$1");
    }

    @Test
    void givenAnOpenDesktopTab_whenAliceReloadsIt_thenItGetsAFreshLinkForTheSameSessionThroughThePortal() {
        String session = openFromThePortal();
        assertThat(session).matches("[0-9a-f-]{36}");
        assertThat(browser.getCurrentUrl()).as("the token is gone from the address").doesNotContain("token=")
                .endsWith("/connect?session=" + session);
        assertThat(state()).isEqualTo("error:DESKTOP_GONE");
        long before = tokensIssued(session);

        browser.navigate().refresh();

        await().atMost(Duration.ofSeconds(30)).until(() -> tokensIssued(session) == before + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.getCurrentUrl().startsWith("http://localhost:" + GATEWAY.port())
                && state().startsWith("error:"));
        assertThat(state()).as("not the expired link of before").isEqualTo("error:DESKTOP_GONE");
        assertThat(browser.getCurrentUrl()).endsWith("/connect?session=" + session);
        assertThat(browser.findElement(By.id("status-title")).getText()).isNotEqualTo("This link has expired");
        assertThat(scenario.eventTypes(session)).contains("ConnectionTokenRejectedEvent");
    }

    @Test
    void givenTheDesktopTab_whenAliceUsesItsMenu_thenCtrlAltDelIsSentAndFullscreenSwitches() {
        openFromThePortal();
        // the error screen lies over the page: put it aside, then press the menu's buttons as Alice would
        browser.executeScript("document.getElementById('status').hidden = true");
        browser.findElement(By.id("menu-toggle")).click();
        assertThat(browser.findElement(By.id("menu")).getAttribute("class")).doesNotContain("collapsed");
        assertThat(browser.findElement(By.id("menu-toggle")).getAttribute("aria-expanded")).isEqualTo("true");

        browser.findElement(By.id("ctrl-alt-del")).click();

        assertThat(browser.executeScript("return JSON.stringify(window.openvdiKeysSent)"))
                .isEqualTo("[[1,65507],[1,65513],[1,65535],[0,65535],[0,65513],[0,65507]]");

        browser.findElement(By.id("fullscreen")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "true".equals(browser.findElement(By.id("fullscreen"))
                .getAttribute("aria-pressed")));
        assertThat(browser.executeScript("return document.fullscreenElement !== null")).isEqualTo(true);
        browser.findElement(By.id("fullscreen")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> "false".equals(browser.findElement(By.id("fullscreen"))
                .getAttribute("aria-pressed")));
    }

    @Test
    void givenTheGatewaysRoot_whenABrowserOpensIt_thenItLandsOnThePortal() {
        browser.get("http://localhost:" + GATEWAY.port() + "/");

        await().atMost(Duration.ofSeconds(15)).until(() -> browser.getCurrentUrl().startsWith("http://localhost:" + port + "/"));
    }
}
