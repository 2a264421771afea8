package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin console in headless Chromium against a real broker whose hosts are libvirt's test driver, driven only
 * through its screens as an admin would. One browser for the class.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConsoleBrowserTest {

    static final Duration SOON = Duration.ofSeconds(20);
    static final List<String> SCREENS = List.of("hosts", "templates", "pools", "desktops", "sessions", "events");
    /** Names no form may take: a control character, a bidi override, an invisible one, a tab (text fields drop line
     * breaks themselves). */
    static final List<String> UNPRINTABLE = List.of("bell\u0007name", "evil\u202Eeman", "zero\u200Bwidth", "tab\tname");

    @LocalServerPort
    int port;
    ChromeDriver browser;
    ConsolePage console;
    ApiClient admin;
    /** The template the hostile pool forms would create their pools from. */
    String hostileTemplate;

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

    /**
     * Registers a host, a template and its first version, creates a pool with entitlements, watches it fill, edits it,
     * drains the host and deletes everything again, only through the console; refused forms show the API's errors at
     * their fields, and reload keeps the place.
     */
    @Test
    void givenAdmin_whenSheBuildsAPoolAndTearsItDownInTheConsole_thenEveryStepIsDoneAndRefusalsShowAtTheirFields() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        console.signIn("admin").open("hosts");
        console.click("main a.new");
        console.awaitHash("hosts/new");
        console.type("uri", "test:///default").submit();
        assertThat(console.awaitError("name")).isNotBlank();
        assertThat(console.error("form")).isBlank();
        console.type("name", "console-host-" + suffix).type("uri", "file:///etc/passwd").submit();
        assertThat(console.awaitError("uri")).isNotBlank();
        assertThat(console.error("name")).isBlank();
        console.type("uri", "test:///default").type("maxDesktops", "4").type("labels-new", "console=" + suffix + ", gpu").submit();
        console.awaitHash("hosts/[0-9a-f-]{36}");
        String host = console.hash().substring("#/hosts/".length());
        assertThat(admin.get("/api/hosts/" + host).json().get("labels").toString())
                .contains("\"console=" + suffix + "\"").contains("\"gpu\"");
        console.reload();
        await().atMost(SOON).until(() -> console.texts("main h2").contains("console-host-" + suffix));
        console.action("cordon");
        await().atMost(SOON).until(() -> admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean());
        console.action("uncordon");
        await().atMost(SOON).until(() -> !admin.get("/api/hosts/" + host).json().get("cordoned").asBoolean());

        console.open("templates/new");
        console.type("name", "console-template-" + suffix).type("vcpus", "1").type("memoryMiB", "256").submit();
        console.awaitHash("templates/[0-9a-f-]{36}");
        String template = console.hash().substring("#/templates/".length());
        console.type("imagePath", "/etc/passwd").submit();
        assertThat(console.awaitError("imagePath")).isNotBlank();
        console.type("imagePath", TestImages.image("console-" + suffix + ".img").toString()).submit();
        await().atMost(SOON).until(() -> console.texts("#versions .tabulator-row").stream().anyMatch(r -> r.contains("v1")));

        console.open("pools/new");
        console.type("name", "Console pool " + suffix).select("templateId", template).type("maxSize", "4");
        console.type("entitledUsers-new", "alice");
        console.click("main button[data-add='entitledUsers']");
        console.type("entitledGroups-new", "staff");
        // only this test's host: other tests' hosts share the broker
        console.type("hostSelector-new", "console=" + suffix);
        console.type("sparePolicy.spares", "2").submit();
        console.awaitHash("pools/[0-9a-f-]{36}");
        String pool = console.hash().substring("#/pools/".length());
        JsonNode created = admin.get("/api/pools/" + pool).json();
        assertThat(created.get("entitledUsers").toString()).isEqualTo("[\"alice\"]");
        assertThat(created.get("entitledGroups").toString()).isEqualTo("[\"staff\"]");
        await().atMost(Duration.ofMinutes(2)).until(() -> console.texts("#pool-desktops [data-state='READY']").size() == 2);
        assertThat(created.get("hostSelector").toString()).isEqualTo("[\"console=" + suffix + "\"]");
        assertThat(admin.get("/api/desktops?poolId=" + pool).json()).allSatisfy(d ->
                assertThat(d.get("hostId").asText()).isEqualTo(host));

        console.click("main a.edit");
        console.awaitHash("pools/" + pool + "/edit");
        console.type("maxSize", "0").submit();
        assertThat(console.awaitError("maxSize")).isNotBlank();
        console.type("maxSize", "5").type("sessionLimits.idleWarning", "PT5M").submit();
        assertThat(console.awaitError("sessionLimits")).contains("idleWarning");
        assertThat(console.error("maxSize")).isBlank();
        console.type("sessionLimits.idleLimit", "PT1H").type("entitledUsers-new", "bob").submit();
        console.awaitHash("pools/" + pool);
        JsonNode edited = admin.get("/api/pools/" + pool).json();
        assertThat(edited.get("maxSize").asInt()).isEqualTo(5);
        assertThat(edited.get("entitledUsers")).hasSize(2);
        assertThat(edited.at("/sessionLimits/idleLimit").asText()).isEqualTo("PT1H");
        Files.write(Path.of("target/it/chromium/console-pool.png"), browser.getScreenshotAs(OutputType.BYTES));

        console.open("hosts/" + host);
        console.action("drain");
        console.confirm(true);
        await().atMost(SOON).until(() -> admin.get("/api/hosts/" + host).json().get("draining").asBoolean());

        console.open("pools/" + pool);
        console.action("delete");
        console.type("deadline", "now").submit();
        console.confirm(true);
        await().atMost(Duration.ofMinutes(1)).until(() -> admin.get("/api/pools/" + pool).json().get("state").asText().equals("DELETED"));

        console.open("templates/" + template);
        console.action("delete");
        console.confirm(true);
        console.awaitHash("templates");
        await().atMost(SOON).until(() -> admin.get("/api/templates/" + template).status() == 404);

        console.open("hosts");
        browser.findElement(By.cssSelector("main .table-filter")).sendKeys("console-host-" + suffix);
        await().atMost(SOON).until(() -> console.texts("#hosts .tabulator-row a.open").equals(List.of("console-host-" + suffix)));
        console.click("#hosts .tabulator-row a.open");
        console.awaitHash("hosts/" + host);
        await().atMost(SOON).until(() -> admin.get("/api/hosts/" + host).json().get("activeDesktops").asInt() == 0);
        console.action("delete");
        console.confirm(true);
        console.awaitHash("hosts");
        await().atMost(SOON).until(() -> admin.get("/api/hosts/" + host).status() == 404);
        assertThat(console.scriptProblems()).isEmpty();
    }

    /**
     * Nobody signed in is sent to the sign-in page from every screen; an employee gets the 403 page; an auditor reads
     * every screen but is offered no form and no action, not even at a form's own address.
     */
    @Test
    void givenAnonymousEmployeeOrAuditor_whenTheyOpenEachScreen_thenSignInRefusalOrReadingOnly() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var registered = admin.post("/api/hosts", "{\"name\":\"read-only-host-" + suffix
                + "\",\"uri\":\"test:///default\",\"virtType\":\"QEMU\",\"maxDesktops\":1}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String host = registered.json().get("id").asText();
        // no other test's desktop is placed here
        assertThat(admin.post("/api/hosts/" + host + "/cordon", "{}").status()).isLessThan(300);

        String base = "http://localhost:" + port;
        browser.manage().deleteAllCookies();
        for (String screen : SCREENS) {
            browser.get(base + "/admin#/" + screen);
            await().atMost(SOON).until(() -> browser.getCurrentUrl().startsWith(base + "/login"));
        }
        console.signIn("alice");
        for (String screen : List.of("hosts", "pools/new", "sessions", "events")) {
            browser.get(base + "/admin#/" + screen);
            await().atMost(SOON).until(() -> !browser.findElements(By.id("problem-title")).isEmpty());
            assertThat(browser.findElement(By.id("problem-title")).getText()).isEqualTo("403 · Not allowed");
        }

        console.signIn("audrey");
        for (String screen : SCREENS) {
            console.open(screen);
            assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("audrey (AUDITOR)");
            assertThat(browser.findElement(By.tagName("body")).getAttribute("class")).contains("read-only");
            assertThat(browser.findElements(By.cssSelector("main a.new"))).as(screen).isEmpty();
            assertThat(browser.findElements(By.cssSelector("main button[data-action]"))).as(screen).isEmpty();
        }
        console.open("hosts/" + host);
        await().atMost(SOON).until(() -> console.texts("main h2").contains("read-only-host-" + suffix));
        assertThat(browser.findElements(By.cssSelector("main button[data-action], main form button.submit"))).isEmpty();
        for (String form : List.of("hosts/new", "templates/new", "pools/new")) {
            console.open(form);
            // the list it may read, and why there is no form
            await().atMost(SOON).until(() -> console.texts("#screen-error").get(0).startsWith("Only an admin can"));
            await().atMost(SOON).until(() -> !console.texts("main .tabulator").isEmpty());
            assertThat(browser.findElements(By.cssSelector("main form button.submit"))).as(form).isEmpty();
        }
        assertThat(console.scriptProblems()).isEmpty();

        assertThat(admin.post("/api/hosts/" + host + "/drain", "{}").status()).isLessThan(300);
        await().atMost(SOON).until(() -> admin.delete("/api/hosts/" + host).status() < 300);
    }

    /**
     * Oversized values, traversal, shell metacharacters, control, bidi and invisible characters typed (or pasted) into
     * each form of the console: the API's field errors show next to their fields, the form stays, nothing is created.
     */
    @Test
    void givenAdmin_whenSheTypesHostileValuesIntoEachForm_thenTheApisFieldErrorsShowAtTheFieldsAndNothingIsCreated() {
        int hosts = admin.get("/api/hosts").json().size();
        int templates = admin.get("/api/templates").json().size();
        int pools = admin.get("/api/pools").json().size();
        console.signIn("admin");
        refused("hosts/new", Map.of("name", "n".repeat(5_000), "uri", "test:///default", "storagePool", "../../etc",
                "displayAddress", "127.0.0.1;reboot", "labels-new", "../../x"), "name", "storagePool", "displayAddress", "labels");
        refused("hosts/new", Map.of("name", "traversal-host", "uri", "../../etc/passwd"), "uri");
        refused("hosts/new", Map.of("name", "metachar-host", "uri", "test:///default$(reboot)"), "uri");
        for (String name : UNPRINTABLE) {
            refused("hosts/new", Map.of("name", name, "uri", "test:///default"), "name");
        }

        refused("templates/new", Map.of("name", "t".repeat(5_000), "vcpus", "1", "memoryMiB", "256"), "name");
        for (String name : UNPRINTABLE) {
            refused("templates/new", Map.of("name", name, "vcpus", "1", "memoryMiB", "256"), "name");
        }

        Map<String, String> pool = new LinkedHashMap<>();
        pool.put("name", "p".repeat(5_000));
        pool.put("maxSize", "4");
        pool.put("entitledUsers-new", "../../root");
        pool.put("entitledGroups-new", "staff\u202E");
        pool.put("hostSelector-new", "site=$(reboot)");
        refused("pools/new", pool, "name", "entitledUsers", "entitledGroups", "hostSelector");
        for (String name : UNPRINTABLE) {
            refused("pools/new", Map.of("name", name, "maxSize", "4"), "name");
        }

        assertThat(admin.get("/api/hosts").json()).hasSize(hosts);
        assertThat(admin.get("/api/templates").json()).hasSize(templates);
        assertThat(admin.get("/api/pools").json()).hasSize(pools);
        assertThat(console.scriptProblems()).isEmpty();
    }

    /**
     * The pool editor's own fields (sizes, session and idle limits, each kind of spare policy with its time zone,
     * windows and margins, entitlements and host selector) and the template descriptor box, with oversized,
     * malformed, metacharacter, traversal, control, bidi and invisible values: each refusal shows the API's error next
     * to the field it concerns, the form stays, and nothing is created or changed (checked through the API).
     */
    @Test
    void givenAdmin_whenSheTypesHostileValuesIntoThePoolEditorAndTheDescriptorBox_thenFieldErrorsAndNothingIsCreatedOrChanged()
            throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var template = admin.post("/api/templates", "{\"name\":\"hostile-editor-" + suffix + "\",\"vcpus\":1,\"memoryMiB\":256}");
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        String templateId = template.json().get("id").asText();
        hostileTemplate = templateId;
        var version = admin.post("/api/templates/" + templateId + "/versions", "{\"imagePath\":\""
                + TestImages.image("hostile-editor-" + suffix + ".img") + "\"}");
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        // no spares and a selector no host meets: the pool under edit never places a desktop
        var existing = admin.post("/api/pools", "{\"name\":\"hostile-editor-" + suffix + "\",\"templateId\":\"" + templateId
                + "\",\"type\":\"FLOATING\",\"maxSize\":2,\"sparePolicy\":{\"type\":\"STATIC\",\"spares\":0},"
                + "\"entitledUsers\":[\"alice\"],\"hostSelector\":[\"nowhere=" + suffix + "\"]}");
        assertThat(existing.status()).as(existing.body()).isEqualTo(201);
        String pool = existing.json().get("id").asText();
        String settings = settings(pool);
        int templates = admin.get("/api/templates").json().size();
        int pools = admin.get("/api/pools").json().size();
        console.signIn("admin");

        for (String size : List.of("0", "-5", "1e12", "abc", "10001")) {
            refusedPool(Map.of("maxSize", size), "maxSize");
        }
        for (String limit : List.of("PT1H$(reboot)", "../../etc/passwd", "PT1H\u202E", "PT\u200B1H", "P" + "9".repeat(5_000) + "D")) {
            refusedPool(Map.of("sessionLimits.idleLimit", limit), "sessionLimits.idleLimit");
        }
        refusedPool(Map.of("sessionLimits.endNotices", "PT5M, ;reboot"), "sessionLimits.endNotices");
        refusedPool(Map.of("sessionLimits.maxLength", "PT8H\u0007"), "sessionLimits.maxLength");
        for (String spares : List.of("-1", "99999999")) {
            refusedPool(Map.of("sparePolicy.spares", spares), "sparePolicy.spares");
        }
        for (String zone : List.of("../../etc/localtime", "Europe/Berlin\u202E", "UTC;reboot", "Europe/Nowhere",
                "Z".repeat(5_000), "Europe/\u200BBerlin")) {
            refusedSchedule(Map.of("sparePolicy.zone", zone), null, "sparePolicy.zone");
        }
        refusedSchedule(Map.of("sparePolicy.otherwise", "-3"), null, "sparePolicy.otherwise");
        refusedSchedule(Map.of(), List.of("25:00", "08:00", "1", "days"), "sparePolicy.windows");
        refusedSchedule(Map.of(), List.of("07:00", "07:00", "1", "days"), "sparePolicy.windows");
        refusedSchedule(Map.of(), List.of("07:00", "08:00", "-1", "days"), "sparePolicy.windows");
        refusedSchedule(Map.of(), List.of("07:00", "08:00", "1", ""), "sparePolicy.windows");
        refusedPredictive(Map.of("sparePolicy.safetyMargin", "-1"), "sparePolicy.safetyMargin");
        refusedPredictive(Map.of("sparePolicy.safetyMargin", "1e9"), "sparePolicy.safetyMargin");
        refusedPredictive(Map.of("sparePolicy.minSpare", "-1"), "sparePolicy.minSpare");
        refusedPredictive(Map.of("sparePolicy.minSpare", "5", "sparePolicy.maxSpare", "2"), "sparePolicy.maxSpare");
        for (String term : List.of("../../x", "gpu\u200B", "site=" + "b".repeat(5_000), "site=berlin\u202E")) {
            refusedPool(Map.of("hostSelector-new", term), "hostSelector");
        }
        assertThat(admin.get("/api/pools").json()).hasSize(pools);

        // editing the existing pool: several fields at fault at once, each shown at its own field, nothing changed
        Map<String, String> edit = new LinkedHashMap<>();
        edit.put("name", "p".repeat(5_000));
        edit.put("entitledUsers-new", "../../root");
        edit.put("entitledGroups-new", "staff\u200B");
        edit.put("hostSelector-new", "site=$(reboot)");
        refused("pools/" + pool + "/edit", edit, "name", "entitledUsers", "entitledGroups", "hostSelector");
        for (String name : UNPRINTABLE) {
            refused("pools/" + pool + "/edit", Map.of("name", name), "name");
        }
        refused("pools/" + pool + "/edit", Map.of("maxSize", "-1"), "maxSize");
        refused("pools/" + pool + "/edit", Map.of("sessionLimits.idleLimit", "PT1H;reboot"), "sessionLimits.idleLimit");
        refused("pools/" + pool + "/edit", Map.of("sparePolicy.spares", "-1"), "sparePolicy.spares");
        assertThat(settings(pool)).isEqualTo(settings);

        List<String> descriptors = List.of("{", "{\"name\": \"x\", \"hardware\": [", "name: [unclosed\nhardware: {",
                "name: x\nhardware:\n  vcpus: 1\n  vcpus: 2\n", "x".repeat(70_000), "# " + "y".repeat(300_000),
                descriptor("evil\u202Eeman"), descriptor("zero\u200Bwidth"), descriptor("bell\u0007name"),
                descriptor("n".repeat(5_000)), descriptor("$(reboot)").replace("vcpus: 1", "vcpus: \"1; reboot\""),
                descriptor("traversal").replace("image: tiny.img", "image: ../../../etc/passwd"),
                descriptor("metachar").replace("network: openvdi", "network: \"openvdi; reboot\""),
                descriptor("huge").replace("memoryMiB: 256", "memoryMiB: 99999999999999999999"));
        for (String text : descriptors) {
            refused("templates/new", Map.of("descriptor", text), "descriptor");
            assertThat(console.error("name")).as(text.length() > 60 ? text.substring(0, 60) : text).isBlank();
        }
        assertThat(admin.get("/api/templates").json()).hasSize(templates);
        assertThat(console.scriptProblems()).isEmpty();
    }

    /** A descriptor that registers, but for the given name. */
    private static String descriptor(String name) {
        return "name: \"" + name + "\"\nhardware:\n  vcpus: 1\n  memoryMiB: 256\nboot:\n  disk:\n    image: tiny.img\n"
                + "    format: raw\nnetwork:\n  network: openvdi\n";
    }

    /** The settings of a pool an edit could change, as the API shows them. */
    private String settings(String pool) {
        JsonNode p = admin.get("/api/pools/" + pool).json();
        return List.of("name", "maxSize", "powerPolicy", "recording", "entitledUsers", "entitledGroups", "hostSelector",
                "sparePolicy", "sessionLimits").stream().map(f -> f + "=" + p.get(f)).toList().toString();
    }

    /** The pool creation form, valid but for the given fields: this test's template, a STATIC policy. */
    private void refusedPool(Map<String, String> values, String field) {
        refusedPool("STATIC", values, null, field);
    }

    /**
     * The pool creation form with a SCHEDULE policy: zone UTC and otherwise 0 unless the values say otherwise, and
     * one window (from, to, spares, "days" for weekdays or "" for none) when given.
     */
    private void refusedSchedule(Map<String, String> values, List<String> window, String field) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("sparePolicy.zone", "UTC");
        all.putAll(values);
        refusedPool("SCHEDULE", all, window, field);
    }

    private void refusedPredictive(Map<String, String> values, String field) {
        refusedPool("PREDICTIVE", values, null, field);
    }

    private void refusedPool(String kind, Map<String, String> values, List<String> window, String field) {
        console.openAfresh("pools/new");
        console.choose("templateId", hostileTemplate);
        console.choose("sparePolicy.type", kind);
        if (kind.equals("PREDICTIVE")) {
            console.click("main [name='sparePolicy.forecastOnly']");
        }
        if (window != null) {
            console.click("main button.add-window");
            console.script("const row = document.querySelector('main .window-row');"
                    + "row.querySelector('input[aria-label=From]').value = arguments[0];"
                    + "row.querySelector('input[aria-label=To]').value = arguments[1];"
                    + "row.querySelector('input[aria-label=Spares]').value = arguments[2];"
                    + "if (!arguments[3]) row.querySelectorAll('.days input').forEach(c => { c.checked = false; });",
                    window.get(0), window.get(1), window.get(2), window.get(3));
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("name", "hostile-new-" + UUID.randomUUID().toString().substring(0, 8));
        all.putAll(values);
        console.fill(all);
        console.submit();
        assertThat(console.awaitError(field)).as(field + " " + kind + " " + values + " " + window).isNotBlank();
        assertThat(console.hash()).isEqualTo("#/pools/new");
    }

    /**
     * Opens the form afresh, fills the fields, submits, and expects an error at each of the given fields and the form
     * kept.
     */
    private void refused(String address, Map<String, String> values, String... fields) {
        console.openAfresh(address);
        console.fill(values);
        console.submit();
        for (String field : fields) {
            assertThat(console.awaitError(field)).as(field + " of " + address + " " + values).isNotBlank();
        }
        assertThat(console.hash()).isEqualTo("#/" + address);
    }
}
