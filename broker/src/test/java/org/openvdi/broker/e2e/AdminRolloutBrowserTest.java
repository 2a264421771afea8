package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin console's rollout panel (a pool's Rollouts tab) in headless Chromium against a real broker whose host is libvirt's test driver:
 * the admin publishes version 2 from the panel, is shown the API's refusal next to the field it concerns, starts a
 * rollout with the strategy form, watches the progress bar reach 100% and every desktop reach v2, and rolls back;
 * an auditor sees the same panel without forms or buttons. The page runs under the broker's Content-Security-Policy
 * with no violation reported.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminRolloutBrowserTest {

    @LocalServerPort
    int port;
    ApiClient admin;
    String pool;
    Path version2;
    ChromeDriver browser;

    @BeforeEach
    void poolOfTwoReadySparesOnVersionOne() throws Exception {
        admin = new ApiClient(port, "admin", "demo");
        assertThat(admin.post("/api/hosts", admin.write(Map.of("name", "h-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 6))).status()).isEqualTo(201);
        String template = admin.post("/api/templates", admin.write(Map.of("name", "t-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        assertThat(admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath",
                TestImages.image("console-v1-" + UUID.randomUUID() + ".img").toString()))).status()).isEqualTo(201);
        version2 = TestImages.image("console-v2-" + UUID.randomUUID() + ".img");
        var made = admin.post("/api/pools", admin.write(Map.of("name", "Console pool " + UUID.randomUUID(), "templateId",
                template, "templateVersion", 1, "type", "FLOATING", "minSpare", 2, "maxSize", 4,
                "entitledUsers", List.of("alice"))));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        pool = made.json().get("id").asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> admin.get("/api/desktops?poolId=" + pool).json()
                .findValues("state").stream().filter(s -> s.asText().equals("READY")).count() == 2);
    }

    @BeforeAll
    void browser() throws Exception {
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAdminInTheConsole_whenSheStartsARolloutFromThePanel_thenTheProgressBarReaches100AndDesktopsShowV2() throws Exception {
        new ConsolePage(browser, port).signIn("admin").open("pools/" + pool + "/rollouts");
        By panelBy = By.cssSelector("section.rollout[data-pool='" + pool + "']");
        await().atMost(Duration.ofSeconds(15)).until(() -> !browser.findElements(panelBy).isEmpty());
        WebElement panel = browser.findElement(panelBy);
        assertThat(panel.findElement(By.cssSelector(".rollout-status")).getText()).contains("No rollout yet");

        input(panel, "imagePath").sendKeys("/etc/passwd");
        panel.findElement(By.cssSelector("button.publish")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !error(panel, "imagePath").isBlank());
        input(panel, "imagePath").clear();
        input(panel, "imagePath").sendKeys(version2.toString());
        panel.findElement(By.cssSelector("button.publish")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> new Select(input(panel, "templateVersion")).getOptions().stream()
                .anyMatch(o -> o.getText().equals("v2")));
        new Select(input(panel, "templateVersion")).selectByVisibleText("v2");

        input(panel, "maxUnavailable").sendKeys("150%");
        input(panel, "noticeBefore").sendKeys("PT2H");
        panel.findElement(By.cssSelector("button.start")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !error(panel, "noticeBefore").isBlank());
        assertThat(error(panel, "noticeBefore")).contains("noticeBefore");
        assertThat(admin.get("/api/pools/" + pool + "/rollouts").json()).isEmpty();
        input(panel, "noticeBefore").clear();
        panel.findElement(By.cssSelector("button.start")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> !error(panel, "maxUnavailable").isBlank());
        assertThat(error(panel, "maxUnavailable")).contains("maxUnavailable");
        assertThat(error(panel, "noticeBefore")).isBlank();
        input(panel, "maxUnavailable").clear();
        input(panel, "maxUnavailable").sendKeys("50%");
        input(panel, "canary").sendKeys("1");
        input(panel, "maxSurge").sendKeys("1");
        input(panel, "progressDeadline").sendKeys("PT5M");
        input(panel, "failureThreshold").sendKeys("2");
        panel.findElement(By.cssSelector("button.start")).click();

        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/pools/" + pool + "/rollouts").json().size() == 1);
        var rollout = admin.get("/api/pools/" + pool + "/rollouts").json().get(0);
        assertThat(rollout.at("/strategy/maxUnavailable").toString()).contains("50");
        assertThat(rollout.at("/strategy/failureThreshold").asInt()).isEqualTo(2);
        String inPanel = "section.rollout[data-pool='" + pool + "'] ";
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> "100%".equals(texts(inPanel + ".percent").stream().findFirst().orElse("")));
        // every desktop is on v2; the rollout records its completion on its next sweep
        await().atMost(Duration.ofSeconds(30)).until(() -> texts(inPanel + ".rollout-status [data-state]"),
                state -> state.equals(List.of("COMPLETED")));
        assertThat(script("return document.querySelector(arguments[0]).value", inPanel + "progress")).isEqualTo(100L);
        assertThat(texts(inPanel + ".counts").get(0)).contains("2 of 2 updated");
        Files.write(Path.of("target/it/chromium/rollout-panel.png"), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        await().atMost(Duration.ofSeconds(30)).until(() -> texts(inPanel + "td.versions"),
                cells -> !cells.isEmpty() && cells.stream().allMatch("v2"::equals));

        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector(inPanel + "button[data-action='rollback']")).click();
            return true;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> admin.get("/api/pools/" + pool + "/rollouts").json().size() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> texts(inPanel + ".rollout-status strong"),
                strong -> strong.contains("v2 → v1"));
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
                .noneMatch(e -> e.getLevel().intValue() >= Level.SEVERE.intValue() && e.getMessage().contains("Content Security Policy"));
    }

    @Test
    void givenAnAuditor_whenTheConsoleShowsTheRolloutPanel_thenNoFormAndNoButtons() {
        new ConsolePage(browser, port).signIn("audrey").open("pools/" + pool + "/rollouts");
        By panelBy = By.cssSelector("section.rollout[data-pool='" + pool + "']");
        await().atMost(Duration.ofSeconds(15)).until(() -> !browser.findElements(panelBy).isEmpty());

        assertThat(browser.findElement(panelBy).findElements(By.cssSelector("form, button"))).isEmpty();
        await().atMost(Duration.ofSeconds(15)).until(() -> texts("section.rollout[data-pool='" + pool + "'] td.versions").size() == 2);
    }

    /** The text of every element the selector finds, read in one go (the panel redraws its status every 2 s). */
    @SuppressWarnings("unchecked")
    private List<String> texts(String css) {
        return (List<String>) script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    private Object script(String javascript, Object... args) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(javascript, args);
    }

    private static WebElement input(WebElement panel, String name) {
        return panel.findElement(By.cssSelector("[name='" + name + "']"));
    }

    private static String error(WebElement panel, String name) {
        return panel.findElement(By.cssSelector("[data-error-for='" + name + "']")).getText();
    }
}
