package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Headless Chromium visits a page on another origin that posts forms (urlencoded, multipart, text/plain)
 * and fetch()es with credentials to uncordon a host, retire a template version and create a template:
 * with Basic credentials cached for the broker and with a signed-in session, nothing changes. The
 * broker's own pages (and the API's Swagger UI) still work under their Content-Security-Policy, with no violation
 * reported.
 *
 * <p>One Chromium serves the class (a start costs seconds, far more on a loaded machine). Before each test its cookies
 * (the signed-in session among them), cache and console log are cleared, so each test starts as in a fresh browser.
 * Basic credentials a browser has cached cannot be cleared: the test that caches them runs last.
 */
@BrokerTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrossSiteBrowserTest {

    static ChromeDriver browser;

    @LocalServerPort
    int port;
    ApiClient admin;
    String broker;
    String host;
    String hostName;
    String template;
    AttackerSite attacker;

    @BeforeAll
    static void startChromium() throws Exception {
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
    }

    @AfterAll
    static void quitChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void cordonedHostPublishedTemplateAndAnAttacker() throws Exception {
        broker = "http://localhost:" + port;
        admin = new ApiClient(port, "admin", "demo");
        hostName = "h-" + UUID.randomUUID();
        host = admin.post("/api/hosts", admin.write(Map.of("name", hostName, "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 1))).json().get("id").asText();
        admin.post("/api/hosts/" + host + "/cordon", "{}");
        template = admin.post("/api/templates", admin.write(Map.of("name", "t-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", TestImages.image("cross-site.img").toString())));
        attacker = new AttackerSite(forms(), fetches());
        browser.get("about:blank");
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        browser.executeCdpCommand("Network.clearBrowserCache", Map.of());
        browser.manage().logs().get(LogType.BROWSER);   // read, and so emptied: this test sees only its own messages
    }

    @AfterEach
    void close() {
        attacker.close();
    }

    List<AttackerSite.Form> forms() {
        String uncordon = broker + "/api/hosts/" + host + "/uncordon";
        String retire = broker + "/api/templates/" + template + "/versions/1/retire";
        List<AttackerSite.Form> forms = new ArrayList<>();
        for (String enctype : List.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")) {
            forms.add(new AttackerSite.Form(uncordon, enctype, "reason", "x"));
            forms.add(new AttackerSite.Form(retire, enctype, "reason", "x"));
            forms.add(new AttackerSite.Form(broker + "/api/templates", enctype,
                    "{\"name\":\"evil-form\",\"vcpus\":1,\"memoryMiB\":256,\"x\":\"", "\"}"));
        }
        return forms;
    }

    List<AttackerSite.Fetch> fetches() {
        String json = "{\"name\":\"evil-fetch\",\"vcpus\":1,\"memoryMiB\":256}";
        return List.of(new AttackerSite.Fetch(broker + "/api/hosts/" + host + "/uncordon", "no-cors", null, null),
                new AttackerSite.Fetch(broker + "/api/templates/" + template + "/versions/1/retire", "no-cors", null, null),
                new AttackerSite.Fetch(broker + "/api/templates", "no-cors", "text/plain", json),
                new AttackerSite.Fetch(broker + "/api/templates", "cors", "application/json", json),
                new AttackerSite.Fetch(broker + "/api/hosts/" + host + "/uncordon", "cors", "application/json", "{}"));
    }

    void visitTheAttacker() {
        for (int i = 0; i < forms().size(); i++) {
            browser.get(attacker.formPage(i));
            await().atMost(Duration.ofSeconds(30)).until(() -> browser.getCurrentUrl().startsWith(broker));
        }
        browser.get(attacker.fetchPage());
        await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(browser.getTitle()));
    }

    void assertNothingChanged() {
        assertThat(admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean()).isTrue();
        assertThat(admin.get("/api/templates/" + template).json().toString()).doesNotContain("RETIRED");
        assertThat(admin.get("/api/templates").body()).doesNotContain("evil-");
    }

    @Test
    @Order(3)   // last: nothing takes the cached credentials out of the browser again
    void givenBasicCredentialsCachedForTheBroker_whenTheBrowserVisitsAnotherSite_thenNothingChanges() {
        browser.get("http://admin:demo@localhost:" + port + "/api/me");
        // whether or not the broker ever challenged this browser, it now sends admin's credentials on every request
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("admin:demo".getBytes(StandardCharsets.UTF_8)))));
        browser.get(broker + "/api/me");
        assertThat(browser.getPageSource()).contains("\"name\":\"admin\"");

        visitTheAttacker();

        assertNothingChanged();
    }

    @Test
    @Order(1)
    void givenAdminSignedInWithTheForm_whenTheBrowserVisitsAnotherSite_thenNothingChanges() {
        new PortalPage(browser, port).signIn("admin", "demo");
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("who")).getText().equals("admin"));

        visitTheAttacker();

        assertNothingChanged();
        browser.get(broker + "/api/me");
        assertThat(browser.getPageSource()).contains("\"name\":\"admin\"");
    }

    @Test
    @Order(2)
    void givenTheBrokersOwnPages_whenUsedUnderTheirPolicy_thenTheyWorkAndReportNoViolation() {
        new PortalPage(browser, port).signIn("admin", "demo");
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("who")).getText().equals("admin"));
        browser.get(broker + "/admin#/hosts/" + host);
        By uncordon = By.cssSelector("main button[data-action='uncordon']");
        // the page redraws its tables as the state changes: a row found a moment ago may be replaced before the click
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> {
                    browser.findElement(uncordon).click();
                    return true;
                });
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean());
        // the OpenAPI document is generated on its first request: made here, the page's own fetch of it only reads it
        assertThat(admin.get("/v3/api-docs").status()).isEqualTo(200);
        browser.get(broker + "/swagger-ui.html");
        await().atMost(Duration.ofSeconds(60)).until(() -> !browser.findElements(By.cssSelector(".swagger-ui .opblock")).isEmpty());
        browser.get(broker + "/admin#/hosts/" + host);
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("main button[data-action='cordon']")).isEmpty());
        browser.findElement(By.id("sign-out")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.getCurrentUrl().endsWith("/login?logout"));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("out")).isDisplayed());
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("wrong");
        browser.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("failed")).isDisplayed());

        List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage).filter(m -> m.contains("Content Security Policy")).toList();
        assertThat(violations).isEmpty();
    }
}
