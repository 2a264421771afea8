package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;

/**
 * The whole product on one machine: the broker (embedded PostgreSQL, in-process KRaft Kafka), the
 * gateway, guacd, libvirtd with the tiny desktop booting under software emulation, and headless
 * Chromium. Alice signs in, opens a desktop from the portal, and sees the guest's console pixels
 * in the display canvas; closing the tab is recorded as SessionDisconnected.
 */
class BrowserEndToEndIT {

    private final String storagePool = "openvdi-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/e2e-" + storagePool).toAbsolutePath();
    private final List<AutoCloseable> running = new ArrayList<>();
    private ApiClient admin;

    @Test
    void givenAliceEntitled_whenSheOpensADesktopFromThePortal_thenTheCanvasShowsTheGuestAndClosingDisconnects() throws Exception {
        int kafkaPort = AppProcess.freePort();
        Path images = Files.createDirectories(work.resolve("images"));
        Path image = images.resolve("tiny-desktop.img");
        Files.copy(AppProcess.tinyImage(), image);
        String secret = UUID.randomUUID().toString();

        AppProcess gateway = AppProcess.gateway(work.resolve("gateway"), List.of("--openvdi.gateway.broker-secret=" + secret,
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort));
        AppProcess broker = AppProcess.broker(work.resolve("broker"), List.of("--openvdi.images.directories=" + images,
                "--openvdi.kafka.embedded-port=" + kafkaPort, "--openvdi.kafka.embedded-directory=" + work.resolve("kafka"),
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort, "--openvdi.security.gateway-secret=" + secret,
                "--openvdi.gateway-url=http://localhost:" + gateway.port()));
        running.add(broker);
        broker.start();
        gateway.arg("--openvdi.gateway.broker-url=http://localhost:" + broker.port())
                .arg("--openvdi.gateway.portal-url=http://localhost:" + broker.port() + "/");
        running.add(gateway);
        gateway.start();

        admin = new ApiClient(broker.port(), "admin", "demo");
        assertThat(admin.post("/api/hosts", admin.write(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu",
                "maxDesktops", 2, "storagePool", storagePool))).status()).isEqualTo(201);
        String template = admin.post("/api/templates", admin.write(Map.of("name", "Tiny desktop", "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath", image.toString())));
        String pool = admin.post("/api/pools", admin.write(Map.of("name", "Demo desktops", "templateId", template,
                "type", "FLOATING", "minSpare", 1, "maxSize", 2, "entitledUsers", List.of("alice")))).json().get("id").asText();

        ChromeDriver browser = HeadlessChromium.start(work.resolve("chromium"));
        running.add(browser::quit);
        String portal = "http://localhost:" + broker.port();
        browser.get(portal + "/login");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("demo");
        browser.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("[data-pool='" + pool + "'] button")).isEmpty());
        String portalTab = browser.getWindowHandle();
        browser.findElement(By.cssSelector("[data-pool='" + pool + "'] button")).click();

        await().atMost(Duration.ofSeconds(30)).until(() -> browser.getWindowHandles().size() == 2);
        String desktopTab = browser.getWindowHandles().stream().filter(h -> !h.equals(portalTab)).findFirst().orElseThrow();
        browser.switchTo().window(desktopTab);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                String.valueOf(browser.executeScript("return window.openvdiState")).equals("connected"));
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> colours(browser) >= 2);
        Files.write(work.resolve("desktop.png"), browser.getScreenshotAs(OutputType.BYTES));

        JsonNode session = new ApiClient(broker.port(), "alice", "demo").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> eventTypes(sessionId).contains("SessionConnectedEvent"));

        browser.close();
        browser.switchTo().window(portalTab);
        await().atMost(Duration.ofSeconds(60)).until(() -> eventTypes(sessionId).contains("SessionDisconnectedEvent"));
        assertThat(eventTypes(sessionId)).contains("ConnectionTokenIssuedEvent", "ConnectionTokenRedeemedEvent");
    }

    /** Distinct colours in the Guacamole display (all layers flattened): a booted console has text on a background. */
    private static long colours(ChromeDriver browser) {
        Object count = ((JavascriptExecutor) browser).executeScript("""
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

    private Set<String> eventTypes(String aggregateId) {
        Set<String> types = new java.util.HashSet<>();
        admin.get("/api/events?aggregateId=" + aggregateId).json().forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        Virsh.removeDesktopsAndPool(storagePool);
    }
}
