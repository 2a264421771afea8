package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;

/**
 * An idle session seen from the employee's desktop tab: the whole product on one machine, shared with the other
 * browser tests ({@link SharedProduct}: broker, gateway, guacd, the tiny desktop on qemu:///system under software
 * emulation), and headless Chromium. The pool disconnects sessions after 25 seconds without keyboard or mouse input
 * and warns 20 seconds before. Alice opens her desktop and does not touch it: her tab shows the idle warning in its
 * banner, counting down, then says it was disconnected for inactivity (and does not reconnect by itself); her
 * session and desktop stay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedProduct.class)
class IdleBannerBrowserIT {

    private final Path work = Path.of("target/it/idle-" + UUID.randomUUID().toString().substring(0, 8)).toAbsolutePath();
    private ProductStack product;
    private String pool;
    private ChromeDriver browser;

    @Test
    void givenAlicesDesktopOnScreenUntouched_whenHerPoolsIdleLimitNears_thenHerTabWarnsThenSaysSheWasDisconnected(
            ProductStack shared) throws Exception {
        product = shared;
        Files.createDirectories(work);
        AdminScenario admin = product.admin();
        pool = admin.pool("Idle desktops", product.template(), "FLOATING", "KEEP_RUNNING", 1, 2, "alice");
        var limited = admin.admin().patch("/api/pools/" + pool, admin.admin().write(Map.of("sessionLimits",
                Map.of("idleLimit", "PT25S", "idleWarning", "PT20S"))));
        assertThat(limited.status()).as(limited.body()).isEqualTo(200);

        browser = HeadlessChromium.start(work.resolve("chromium"));
        PortalPage portal = new PortalPage(browser, product.brokerPort()).signIn("alice", "demo").awaitPool(pool);
        portal.clickOpen(pool);
        DesktopPage desktop = portal.desktopTab(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().connected());

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.findElement(By.id("notice")).isDisplayed());
        assertThat(browser.findElement(By.id("notice-text")).getText()).startsWith("No keyboard or mouse input");
        assertThat(browser.findElement(By.id("notice-time")).getText()).startsWith("Disconnecting in 0:");
        assertThat(desktop.look().connected()).isTrue();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> desktop.look().state().equals("error:IDLE_DISCONNECTED"));
        assertThat(browser.findElement(By.id("status-title")).getText()).isEqualTo("Disconnected for inactivity");
        String session = product.as("alice").get("/api/sessions").json().get(0).get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.eventTypes(session).contains("SessionDisconnectedEvent"));
        assertThat(admin.events(session, "SessionDisconnectedEvent")).last()
                .satisfies(e -> assertThat(e.path("payload").path("reason").asText()).isEqualTo("IDLE_DISCONNECTED"));
        assertThat(admin.eventTypes(session)).doesNotContain("SessionEndedEvent");
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        SharedProduct.deletePool(product, pool);
    }
}
