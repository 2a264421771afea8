package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin console in headless Chromium against a real broker whose hosts are libvirt's test driver, driven only
 * through its screens as an admin would. One browser for the class.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleBrowserTest {

    @LocalServerPort
    int port;
    ChromeDriver browser;
    ConsolePage console;
    ApiClient admin;

    @BeforeAll
    void browser() throws Exception {
        browser = HeadlessChromium.start(Path.of("target/it/chromium"));
        console = new ConsolePage(browser, port);
        admin = new ApiClient(port, "admin", "demo");
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void givenAdmin_whenSheRegistersCordonsDrainsAndDeletesAHost_thenRefusalsShowAtTheirFieldsAndReloadKeepsThePlace() {
        String name = "console-host-" + UUID.randomUUID();
        console.signIn("admin").open("hosts");
        console.click("main a.new");
        console.awaitHash("hosts/new");

        console.type("uri", "test:///default").submit();
        assertThat(console.awaitError("name")).isNotBlank();
        assertThat(console.error("form")).isBlank();
        console.type("name", name).type("uri", "file:///etc/passwd").submit();
        assertThat(console.awaitError("uri")).isNotBlank();
        assertThat(console.error("name")).isBlank();
        console.type("uri", "test:///default").type("maxDesktops", "3").submit();
        console.awaitHash("hosts/[0-9a-f-]{36}");
        String host = console.hash().substring("#/hosts/".length());
        assertThat(admin.get("/api/hosts/" + host).json().get("name").asText()).isEqualTo(name);

        console.reload();
        await().atMost(Duration.ofSeconds(15)).until(() -> console.texts("main h2").contains(name));
        console.action("cordon");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean());
        console.action("drain");
        console.confirm(false);
        assertThat(admin.get("/api/hosts/" + host).json().get("draining").asBoolean()).isFalse();
        console.action("drain");
        console.confirm(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/hosts/" + host).json().get("draining").asBoolean());
        await().atMost(Duration.ofSeconds(10)).until(() -> console.fact("State").contains("draining"));

        console.open("hosts");
        await().atMost(Duration.ofSeconds(10)).until(() -> console.texts("#hosts .tabulator-row a.open").contains(name));
        browser.findElement(org.openqa.selenium.By.cssSelector("main .table-filter")).sendKeys(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> console.texts("#hosts .tabulator-row a.open").equals(java.util.List.of(name)));
        console.click("#hosts .tabulator-row a.open");
        console.awaitHash("hosts/" + host);
        console.action("delete");
        console.confirm(true);
        console.awaitHash("hosts");
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/hosts/" + host).status() == 404);
        assertThat(console.scriptProblems()).isEmpty();
    }
}
