package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Headless Chromium, signed in as an employee, opens an address that does not exist and one that is not hers: it
 * shows the broker's HTML error page in the portal's style (no problem+json, no Content-Security-Policy
 * violation), and its link leads back to the portal.
 */
@BrokerTest
class ErrorPageBrowserTest {

    @LocalServerPort
    int port;

    ChromeDriver browser;

    @BeforeEach
    void start() throws IOException {
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAliceSignedIn_whenSheOpensAMissingPageAndTheAdminPage_thenSheSeesStyledErrorPagesAndGetsBack() {
        new PortalPage(browser, port).signIn("alice", "demo");
        await().atMost(Duration.ofSeconds(45)).until(() -> browser.findElement(By.id("who")).getText().equals("alice"));

        browser.get("http://localhost:" + port + "/no-such-page?x=%3Cscript%3Ealert(1)%3C/script%3E");
        assertThat(browser.getTitle()).isEqualTo("Page not found · OpenVDI");
        assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("404 · Page not found");
        assertThat(browser.findElement(By.id("problem-path")).getText()).isEqualTo("/no-such-page");
        assertThat(browser.findElements(By.tagName("script"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("urn:openvdi:problem");
        // the portal's style sheet applies: the card is laid out as the sign-in card is
        assertThat(browser.findElement(By.id("problem")).getCssValue("border-radius")).isNotEqualTo("0px");

        browser.get("http://localhost:" + port + "/admin");
        assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("403 · Not allowed");

        browser.findElement(By.id("back")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.getCurrentUrl().endsWith("/")
                && !browser.findElements(By.id("who")).isEmpty() && browser.findElement(By.id("who")).getText().equals("alice"));

        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).as("console").noneMatch(entry -> entry.getMessage().contains("Content Security Policy"));
    }
}
