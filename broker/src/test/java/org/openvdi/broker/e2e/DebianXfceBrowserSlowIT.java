package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.ProductStack;

/**
 * The slow check of the debian-xfce template ({@code ./vdi test --slow}, Maven profile {@code slow}; never in the
 * default run): the whole product as separate processes (broker, gateway, guacd, qemu:///system under software
 * emulation) with the template registered from {@code desktop-templates/debian-xfce/template.yaml} and the built
 * image published with its manifest's checksum. The pool (one desktop at most: one XFCE guest at a time on two
 * shared cores) first keeps a spare; once its screen shows XFCE, Bob opens his desktop from it in headless
 * Chromium through the portal and the gateway. Then the pool keeps none, and Alice's click makes the broker
 * clone, define and start a desktop; the test waits until the gateway's page draws the XFCE desktop (panel and
 * backdrop, see {@link XfceScreen}), and its screenshot becomes {@code docs/images/debian-xfce-browser.png}.
 * Both openings are timed from the click; the figures go to {@code target/it/xfce-*}/debian-xfce-figures.md and
 * the console.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebianXfceBrowserSlowIT {

    /** Generous: on 2 cores shared with other builds (load average 40 to 70) one XFCE boot took more than 15 minutes. */
    private static final Duration BOOT_TIMEOUT = Duration.ofMinutes(25);
    private static final long POLL_MILLIS = 250;

    private final String storagePool = "openvdi-xfce-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/xfce-" + storagePool).toAbsolutePath();
    private final Map<String, Map<String, Long>> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private ProductStack product;
    private AdminScenario admin;
    private String pool;
    private final List<ChromeDriver> browsers = new ArrayList<>();

    @BeforeAll
    void startTheProductWithTheXfceTemplate() throws Exception {
        Path root = AppProcess.repositoryRoot();
        Path image = Path.of(System.getenv().getOrDefault("OPENVDI_XFCE_IMAGE",
                root.resolve("data/images/debian-xfce.qcow2").toString()));
        Path manifest = Path.of(image + ".manifest.json");
        assertThat(manifest).as("the image's build manifest (./vdi image build debian-xfce)").isRegularFile();
        String sha256 = new ObjectMapper().readTree(manifest.toFile()).get("sha256").asText();
        product = ProductStack.start(work, storagePool, 1);
        admin = product.admin();
        String template = product.templateFromDescriptor(root.resolve("desktop-templates/debian-xfce/template.yaml"),
                image, sha256);
        JsonNode registered = admin.admin().get("/api/templates/" + template).json();
        assertThat(registered.get("vcpus").asInt()).isEqualTo(2);
        assertThat(registered.get("memoryMiB").asInt()).isEqualTo(2048);
        notes.add("template: " + registered.get("name").asText() + ", readiness " + registered.path("descriptor")
                .path("readiness").asText() + ", image " + image.getFileName() + " sha256 " + sha256.substring(0, 12));
        pool = admin.pool("XFCE desktops", template, "FLOATING", "KEEP_RUNNING", 0, 1, "alice", "bob");
    }

    @Test
    void givenAReadySpareThenNone_whenEmployeesOpenXfceDesktops_thenTheBrowserDrawsXfceAndTheTimesAreRecorded()
            throws Exception {
        // a spare first: its provisioning also puts the image on the host, which a later clone finds there
        Instant asked = Instant.now();
        reconfigure(1);
        await().atMost(BOOT_TIMEOUT).pollInterval(Duration.ofSeconds(1))
                .until(() -> !admin.inState(pool, "READY").isEmpty());
        String spare = admin.inState(pool, "READY").get(0);
        JsonNode spareView = admin.desktop(spare);
        Instant requested = Instant.parse(spareView.get("requestedAt").asText());
        Instant ready = Instant.parse(spareView.get("readyAt").asText());
        Instant xfceOnHost = awaitXfceOnHost(spare);
        notes.add("the spare: requested " + Duration.between(asked, requested).toMillis() + " ms after the pool asked for it, "
                + "READY " + Duration.between(requested, ready).toMillis() + " ms after its request (first provisioning, "
                + "so the image's upload to the host is included), XFCE on its screen (virsh screenshot, polled every 2 s) "
                + Duration.between(requested, xfceOnHost).toMillis() + " ms after its request");

        Opening bob = open("bob");
        assertThat(bob.desktopId()).isEqualTo(spare);
        Files.write(work.resolve("debian-xfce-browser-spare.png"), bob.screenshot());
        figures.put("a READY spare", bob.afterClick());
        report();   // written after each opening, so that a slow boot's timeout keeps the first figures

        // no spare: the pool keeps none and has room for one, so Alice's click clones, defines and starts one
        reconfigure(0);
        logOff(bob);
        browsers.remove(0).quit();
        assertThat(admin.desktops(pool)).isEmpty();
        Opening alice = open("alice");
        Thread.sleep(5000);   // the panel's icons and clock, for the picture
        Files.write(work.resolve("debian-xfce-browser.png"), alice.screenshot());
        Path docs = AppProcess.repositoryRoot().resolve("docs/images");
        if (Files.isDirectory(docs)) {
            Files.write(docs.resolve("debian-xfce-browser.png"), alice.screenshot());
        }
        figures.put("no spare (image on the host)", alice.afterClick());
        report();
    }

    private void reconfigure(int minSpare) {
        var answer = admin.admin().put("/api/pools/" + pool, admin.admin().write(Map.of("name", "XFCE desktops",
                "minSpare", minSpare, "maxSize", 1, "entitledUsers", List.of("alice", "bob"))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    }

    /** Polls the desktop's screen on the host until it shows the XFCE desktop; returns when it first did. */
    private Instant awaitXfceOnHost(String desktopId) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(BOOT_TIMEOUT);
        Path file = work.resolve("spare-screen");
        while (true) {
            XfceScreen.Look look = XfceScreen.onHost(desktopId, file);
            Instant seen = Instant.now();
            if (look.isXfceDesktop()) {
                return seen;
            }
            if (seen.isAfter(deadline)) {
                throw new AssertionError("The spare's screen shows no XFCE desktop after " + BOOT_TIMEOUT + ": " + look);
            }
            Thread.sleep(2000);
        }
    }

    /** Signs the user in on the portal, clicks Open and waits until the desktop's tab draws XFCE. */
    private Opening open(String user) throws IOException, InterruptedException {
        ChromeDriver browser = HeadlessChromium.start(work.resolve("chromium"));
        browsers.add(browser);
        PortalPage portal = new PortalPage(browser, product.brokerPort()).signIn(user, "demo").awaitPool(pool);
        Instant click = Instant.now();
        portal.clickOpen(pool);
        DesktopPage desktop = portal.desktopTab(Duration.ofSeconds(60));
        Instant connected = null;
        Instant pixels = null;
        Instant xfce;
        while (true) {
            DesktopPage.Look look = desktop.look();
            Instant seen = Instant.now();
            connected = connected == null && look.connected() ? seen : connected;
            pixels = pixels == null && look.connected() && look.showsGuest() ? seen : pixels;
            if (look.connected() && XfceScreen.look(browser).isXfceDesktop()) {
                xfce = seen;
                break;
            }
            assertThat(look.failed()).as("the desktop page failed: " + look.state()).isFalse();
            if (seen.isAfter(click.plus(BOOT_TIMEOUT))) {
                Files.write(work.resolve(user + "-timeout.png"), desktop.screenshot());
                throw new AssertionError("No XFCE desktop in " + user + "'s tab " + BOOT_TIMEOUT + " after the click: "
                        + look + ", " + XfceScreen.look(browser));
            }
            Thread.sleep(POLL_MILLIS);
        }
        JsonNode session = StreamSupport.stream(product.as(user).get("/api/sessions").json().spliterator(), false)
                .filter(s -> s.get("poolId").asText().equals(pool) && !s.get("state").asText().equals("ENDED"))
                .findFirst().orElseThrow();
        String sessionId = session.get("id").asText();
        String desktopId = session.get("desktopId").asText();
        Map<String, Long> afterClick = new LinkedHashMap<>();
        Instant desktopReady = Instant.parse(admin.desktop(desktopId).get("readyAt").asText());
        afterClick.put("desktop READY", desktopReady.isAfter(click) ? millis(click, desktopReady) : null);
        afterClick.put("session READY (desktop assigned)", millis(click, event(sessionId, "DesktopAssignedToSessionEvent")));
        afterClick.put("token redeemed by the gateway", millis(click, event(sessionId, "ConnectionTokenRedeemedEvent")));
        afterClick.put("tab connected", millis(click, connected));
        afterClick.put("first guest pixels", millis(click, pixels));
        afterClick.put("XFCE desktop drawn in the browser", millis(click, xfce));
        return new Opening(user, sessionId, desktopId, desktop, afterClick);
    }

    private record Opening(String user, String sessionId, String desktopId, DesktopPage page, Map<String, Long> afterClick) {
        byte[] screenshot() {
            return page.screenshot();
        }
    }

    /** Ends the session and waits until its floating desktop is destroyed, so that it no longer takes the CPUs. */
    private void logOff(Opening opening) {
        assertThat(product.as(opening.user()).delete("/api/sessions/" + opening.sessionId()).status()).isEqualTo(200);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                admin.desktops(pool).stream().noneMatch(d -> d.get("id").asText().equals(opening.desktopId())));
    }

    private Instant event(String sessionId, String type) {
        List<JsonNode> events = admin.events(sessionId, type);
        assertThat(events).as(type + " of session " + sessionId).isNotEmpty();
        return Instant.parse(events.get(events.size() - 1).get("timestamp").asText());
    }

    private static Long millis(Instant from, Instant to) {
        return to == null ? null : Duration.between(from, to).toMillis();
    }

    private void report() throws IOException {
        StringBuilder text = new StringBuilder("# debian-xfce: time from the click on Open\n\n");
        text.append("- ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs; load average when done: ")
                .append(Files.readString(Path.of("/proc/loadavg")).trim()).append('\n');
        notes.forEach(note -> text.append("- ").append(note).append('\n'));
        text.append("\n| ms after the click on Open |");
        figures.keySet().forEach(name -> text.append(' ').append(name).append(" |"));
        text.append("\n| --- |").append(" ---: |".repeat(figures.size())).append('\n');
        for (String step : figures.values().iterator().next().keySet()) {
            text.append("| ").append(step).append(" |");
            figures.values().forEach(f -> text.append(' ').append(f.get(step) == null ? "–" : f.get(step)).append(" |"));
            text.append('\n');
        }
        Files.writeString(work.resolve("debian-xfce-figures.md"), text);
        System.out.println(text);
    }

    @AfterAll
    void stopEverything() throws Exception {
        browsers.forEach(ChromeDriver::quit);
        if (product != null) {
            product.close();
        }
    }
}
