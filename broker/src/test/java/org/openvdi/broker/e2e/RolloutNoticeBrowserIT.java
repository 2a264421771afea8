package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ProductStack;

/**
 * A forced logoff ahead, seen from the employee's desktop tab: the whole product on one machine, shared with the
 * other browser tests ({@link SharedProduct}: broker, gateway, guacd, the tiny desktop booting on qemu:///system
 * under software emulation), and headless Chromium. The pool has a template of its own, so its version 2 moves no
 * other test's pool. While alice works on her desktop, the admin rolls the pool out to version 2 with FORCE_AFTER a
 * 25-second deadline and a notice 20 seconds before it, written with markup and right-to-left letters. Her tab
 * shows the notice as text in a banner whose time left counts down, and at the deadline says that the session was
 * ended for a desktop update, not that a link expired. Before the rollout, an admin's message (with markup too) shows in the same banner as
 * text, without a countdown.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedProduct.class)
class RolloutNoticeBrowserIT {

    private static final String NOTICE = "<b>Saving</b> is wise <img src=x onerror=\"window.pwned=1\"> \u05e2\u05d3\u05db\u05d5\u05df 18:00";

    private static final String MESSAGE = "<i>Please</i> save <img src=x onerror=\"window.pwned=1\"> \u05e2 now";

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/notice-" + run).toAbsolutePath();
    private ProductStack product;
    private String pool;
    private ChromeDriver browser;

    @Test
    void givenAlicesDesktopOnScreen_whenARolloutForcesHerLogoff_thenHerTabCountsDownTheNoticeAndSaysWhyItEnded(
            ProductStack shared) throws Exception {
        product = shared;
        Files.createDirectories(work);
        AdminScenario admin = product.admin();
        Path tiny = product.images().resolve("tiny-desktop.img");
        Path version1 = Files.copy(tiny, product.images().resolve("notice-" + run + "-v1.img"));
        Path version2 = Files.copy(tiny, product.images().resolve("notice-" + run + "-v2.img"));
        String template = admin.template("Notice desktop " + run, version1, 256);
        pool = admin.pool("Notice desktops", template, "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        assertThat(admin.admin().post("/api/templates/" + template + "/versions",
                admin.admin().write(Map.of("imagePath", version2.toString()))).status()).isEqualTo(201);

        browser = HeadlessChromium.start(work.resolve("chromium"));
        PortalPage portal = new PortalPage(browser, product.brokerPort()).signIn("alice", "demo").awaitPool(pool);
        portal.clickOpen(pool);
        DesktopPage desktop = portal.desktopTab(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> desktop.look().connected());
        JsonNode session = product.as("alice").get("/api/sessions").json().get(0);
        String sessionId = session.get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.eventTypes(sessionId).contains("SessionConnectedEvent"));

        // an admin's message first: shown as text, without a countdown, until she hides it
        var sent = admin.admin().post("/api/sessions/" + sessionId + "/messages", admin.admin().write(Map.of("text", MESSAGE)));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.findElement(By.id("notice")).isDisplayed());
        assertThat(browser.findElement(By.id("notice-text")).getText()).isEqualTo(MESSAGE);
        assertThat(browser.findElement(By.id("notice-time")).getText()).isEqualTo("Message from your administrator");
        assertThat(browser.findElements(By.cssSelector("#notice i, #notice img"))).isEmpty();
        assertThat(script("return window.pwned === undefined")).isEqualTo(true);
        browser.findElement(By.id("notice-dismiss")).click();

        var started = admin.admin().post("/api/pools/" + pool + "/rollouts", admin.admin().write(Map.of(
                "templateVersion", 2, "logoff", "FORCE_AFTER", "deadline", "PT25S", "noticeBefore", "PT20S",
                "notice", NOTICE, "progressDeadline", "PT5M")));
        assertThat(started.status()).as(started.body()).isEqualTo(202);

        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.findElement(By.id("notice")).isDisplayed());
        assertThat(browser.findElement(By.id("notice-text")).getText()).isEqualTo(NOTICE);
        assertThat(browser.findElements(By.cssSelector("#notice b, #notice img"))).isEmpty();
        assertThat(script("return window.pwned === undefined")).isEqualTo(true);
        assertThat(browser.findElement(By.id("notice-text")).getAttribute("dir")).isEqualTo("auto");
        long first = secondsLeft();
        assertThat(first).isBetween(1L, 30L);
        assertThat(browser.findElement(By.id("notice-time")).getText()).startsWith("Your session will be ended in 0:");
        Files.write(work.resolve("notice.png"), desktop.screenshot());
        await().atMost(Duration.ofSeconds(5)).until(() -> secondsLeft() < first);
        assertThat(desktop.look().connected()).isTrue();
        assertThat(admin.events(sessionId).toString()).doesNotContain("SessionEndedEvent");

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> desktop.look().state().equals("error:SESSION_ENDED_BY_ROLLOUT"));
        assertThat(browser.findElement(By.id("status-title")).getText()).isEqualTo("Your session was ended for a desktop update");
        assertThat(browser.findElement(By.id("notice")).isDisplayed()).isFalse();
        Files.write(work.resolve("ended.png"), desktop.screenshot());
        assertThat(admin.events(sessionId, "SessionEndedEvent")).singleElement()
                .satisfies(e -> assertThat(e.path("payload").path("reason").asText()).contains("rollout to version 2"));
    }

    private long secondsLeft() {
        return Long.parseLong(String.valueOf(script("return document.getElementById('notice').dataset.secondsLeft")));
    }

    private Object script(String javascript) {
        return ((JavascriptExecutor) browser).executeScript(javascript);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        SharedProduct.deletePool(product, pool);
    }
}
