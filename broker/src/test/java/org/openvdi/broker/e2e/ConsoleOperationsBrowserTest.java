package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The console's Desktops, Sessions and Events screens in headless Chromium against a real broker whose host is
 * libvirt's test driver, driven as an admin would: recycle a spare, be told which session holds a desktop in use,
 * power a persistent desktop off and on, send a user a message, end their session with a reason, and read the
 * session's events in a time window. One browser for the class.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleOperationsBrowserTest {

    static final Duration SOON = Duration.ofSeconds(30);
    static final String MESSAGE = "<b>Restart</b> at 18:00 \u05e2 & save";

    @LocalServerPort
    int port;
    ChromeDriver browser;
    ConsolePage console;
    AdminScenario scenario;
    ApiClient admin;
    ApiClient alice;

    @BeforeAll
    void browser() throws Exception {
        browser = HeadlessChromium.start(Path.of("target/it/chromium-ops"));
        console = new ConsolePage(browser, port);
        scenario = new AdminScenario(port);
        admin = scenario.admin();
        alice = new ApiClient(port, "alice", "demo");
        if (admin.get("/api/hosts").json().isEmpty()) {
            scenario.host("console-ops-host", "test:///default", 50);
        }
    }

    @AfterAll
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    String readySession(String pool) {
        var requested = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String session = requested.json().get("id").asText();
        await().atMost(SOON).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        return session;
    }

    /** Types into the list's filter box once the screen has drawn it. */
    void filter(String text) {
        await().atMost(SOON).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector("main .table-filter")).sendKeys(text);
            return true;
        });
    }

    String state(String desktop) {
        return admin.get("/api/desktops/" + desktop).json().get("state").asText();
    }

    @Test
    void givenAdmin_whenSheActsOnDesktopsAndSessionsInTheConsole_thenEachActionIsDoneAndRefusalsSayWhy() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String template = scenario.template("ops-" + suffix);
        String floating = scenario.pool("Ops floating " + suffix, template, "FLOATING", "KEEP_RUNNING", 1, 3, "alice");
        String session = readySession(floating);
        String inUse = alice.get("/api/sessions/" + session).json().get("desktopId").asText();
        String spare = await().atMost(SOON).until(() -> scenario.inState(floating, "READY"), l -> !l.isEmpty()).get(0);

        // Desktops: the list filters to the pool, recycles the spare, and says which session holds the other one
        console.signIn("admin").open("desktops");
        filter("Ops floating " + suffix);
        await().atMost(SOON).until(() -> console.texts("#desktops .tabulator-row").size() == 2);
        console.click("#desktops button[data-action='recycle'][data-id='" + spare + "']");
        console.confirm(true);
        await().atMost(SOON).until(() -> state(spare).equals("DESTROYED"));
        assertThat(scenario.events(spare, "DesktopRecycledEvent").get(0).at("/payload/by").asText()).isEqualTo("admin");
        console.click("#desktops button[data-action='recycle'][data-id='" + inUse + "']");
        console.confirm(true);
        await().atMost(SOON).until(() -> browser.findElement(By.id("screen-error")).getText().contains(session));
        assertThat(state(inUse)).isEqualTo("ASSIGNED");
        // the pool provisions a fresh spare, and the live list shows it
        await().atMost(Duration.ofMinutes(1)).until(() -> console.texts("#desktops [data-state='READY']").size() == 1);

        // a persistent desktop, powered off and on from its own screen
        String persistent = scenario.pool("Ops persistent " + suffix, template, "PERSISTENT", "KEEP_RUNNING", 0, 2, "alice");
        String own = readySession(persistent);
        String desktop = alice.get("/api/sessions/" + own).json().get("desktopId").asText();
        assertThat(alice.delete("/api/sessions/" + own).status()).isEqualTo(200);
        await().atMost(SOON).until(() -> state(desktop).equals("READY"));
        console.open("desktops/" + desktop);
        console.action("power-off");
        await().atMost(SOON).until(() -> state(desktop).equals("POWERED_OFF"));
        await().atMost(SOON).until(() -> console.fact("State").equals("POWERED_OFF"));
        console.action("power-on");
        await().atMost(SOON).until(() -> state(desktop).equals("READY"));

        // Sessions: alice's session in the list, a message to her, then its end with a reason
        console.open("sessions");
        filter(session.substring(0, 8));
        await().atMost(SOON).until(() -> console.texts("#sessions .tabulator-row a.open").contains(session.substring(0, 8)));
        console.click("#sessions a[data-action='message'][data-id='" + session + "']");
        console.awaitHash("sessions/" + session);
        console.type("text", "bidi \u202e text");
        console.click("main .message-form button.submit");
        assertThat(console.awaitError("text")).isNotBlank();
        // pasted past the field's maxlength, or with characters no keyboard types: refused at the field too
        for (String hostile : java.util.List.of("m".repeat(5_000), "bell\u0007", "zero\u200Bwidth", "tab\tname")) {
            console.fill("text", hostile);
            console.click("main .message-form button.submit");
            assertThat(console.awaitError("text")).as(hostile.length() > 20 ? "oversized" : hostile).isNotBlank();
        }
        console.fill("reason", "r".repeat(300));
        console.click("main .end-form button.submit");
        console.confirm(true);
        assertThat(console.awaitError("reason")).isNotBlank();
        console.fill("reason", "../../etc\u202Etxt");
        console.click("main .end-form button.submit");
        console.confirm(true);
        assertThat(console.awaitError("reason")).isNotBlank();
        assertThat(alice.get("/api/sessions/" + session).json().get("state").asText()).isNotEqualTo("ENDED");
        console.type("text", MESSAGE);
        console.click("main .message-form button.submit");
        await().atMost(SOON).until(() -> console.texts("#messages .tabulator-row").stream().anyMatch(r -> r.contains(MESSAGE)));
        assertThat(browser.findElements(By.cssSelector("#messages b"))).isEmpty();
        JsonNode sent = admin.get("/api/sessions/" + session + "/messages").json();
        assertThat(sent.findValuesAsText("text")).containsExactly(MESSAGE);
        console.type("reason", "Host maintenance");
        console.click("main .end-form button.submit");
        console.confirm(true);
        await().atMost(SOON).until(() -> alice.get("/api/sessions/" + session).json().get("state").asText().equals("ENDED"));
        assertThat(alice.get("/api/sessions/" + session).json().get("reason").asText()).isEqualTo("Host maintenance");
        await().atMost(SOON).until(() -> browser.findElements(By.cssSelector("main .message-form")).isEmpty());
        Files.write(Path.of("target/it/chromium-ops/console-session.png"), browser.getScreenshotAs(OutputType.BYTES));

        // Events: the session's history, then narrowed to a window before it
        console.open("events/" + session);
        await().atMost(SOON).until(() -> console.texts("#events .tabulator-row").stream().anyMatch(r -> r.contains("SessionMessageSentEvent")));
        assertThat(console.texts("#events .tabulator-row").stream().anyMatch(r -> r.contains("SessionEndedEvent"))).isTrue();
        for (String hostile : java.util.List.of("../../etc/passwd", "'; DROP TABLE events; --", "x".repeat(5_000))) {
            console.fill("aggregateId", hostile);
            console.click("main form.console-form button.submit");
            assertThat(console.awaitError("aggregateId")).isNotBlank();
            assertThat(console.hash()).isEqualTo("#/events/" + session);
        }
        console.fill("aggregateId", session);
        console.script("const i = document.querySelector(\"main [name='to']\"); i.value = '2000-01-01T00:00';");
        console.click("main form.console-form button.submit");
        await().atMost(SOON).until(() -> console.texts("#events .tabulator-row").isEmpty());
        assertThat(console.texts("main .events-summary").get(0)).startsWith("0 of ");
        assertThat(console.scriptProblems()).isEmpty();
    }
}
