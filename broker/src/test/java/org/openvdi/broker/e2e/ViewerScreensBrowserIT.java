package org.openvdi.broker.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ProductStack;

/**
 * What a viewer's tab says when a share ends, for each reason, in the whole product ({@link SharedProduct}) and one
 * headless Chromium: Alice (signed in at localhost) shares her desktop with Bob (signed in at 127.0.0.1, so their
 * cookies never mix), who watches through several links at once, each in a window of its own. A withdrawn link ends
 * only its own window; while Alice is away his windows wait and reconnect, and a link he opens meanwhile waits on the
 * share page and joins once she is back; a link that runs out, and the end of her session, each end his tab saying
 * why. One run takes about as long as the shortest share (60 s) plus the desktop's start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedProduct.class)
class ViewerScreensBrowserIT {

    private static final Duration SOON = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);

    private final Path work = Path.of("target/it/viewer-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private ProductStack product;
    private String pool;
    private ChromeDriver browser;

    @BeforeAll
    void start(ProductStack shared) throws Exception {
        Files.createDirectories(work);
        product = shared;
        AdminScenario admin = product.admin();
        pool = admin.pool("Shared screens", product.template(), "FLOATING", "KEEP_RUNNING", 1, 2, "alice", "bob");
        browser = HeadlessChromium.start(work.resolve("chromium"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        SharedProduct.deletePool(product, pool);
    }

    @Test
    void givenBobWatchingAliceThroughSeveralLinks_whenEachEndsForItsReason_thenEachWindowSaysWhy() {
        ApiClient alice = product.as("alice");
        PortalPage portal = new PortalPage(browser, product.brokerPort()).signIn("alice", "demo").awaitPool(pool);
        String alicesPortal = browser.getWindowHandle();
        String alicesDesktop = aliceOpensHerDesktop(portal);
        String session = alice.get("/api/sessions").json().get(0).get("id").asText();
        browser.switchTo().newWindow(WindowType.WINDOW);
        browser.get("http://127.0.0.1:" + product.brokerPort() + "/login");
        browser.findElement(By.id("username")).sendKeys("bob");
        browser.findElement(By.id("password")).sendKeys("demo");
        browser.findElement(By.id("submit")).click();
        await().atMost(SOON).until(() -> !browser.getCurrentUrl().contains("/login"));

        String[] runsOut = share(alice, session, 60);
        String runsOutWindow = bobWatches(runsOut[1]);
        String[] withdrawn = share(alice, session, 900);
        String withdrawnWindow = bobWatches(withdrawn[1]);
        String[] absent = share(alice, session, 900);
        String absentWindow = bobWatches(absent[1]);

        // withdrawn: only the window of that link ends, saying why
        assertThat(alice.delete("/api/sessions/" + session + "/shares/" + withdrawn[0]).status()).isEqualTo(200);
        awaitState(withdrawnWindow, "error:SHARE_REVOKED");
        assertThat(text("status-title")).isEqualTo("Sharing stopped");
        assertThat(text("status-text")).contains("stopped sharing");
        assertThat(stateOf(absentWindow)).isEqualTo("connected");

        // the owner away: his windows wait for her, reconnecting; a link opened meanwhile waits on the share page
        browser.switchTo().window(alicesDesktop).close();
        browser.switchTo().window(alicesPortal);
        awaitState(absentWindow, "reconnecting");
        assertThat(text("status-title")).startsWith("Reconnecting");
        String[] later = share(alice, session, 900);
        String laterWindow = bobOpens(later[1]);
        await().atMost(SOON).pollInterval(POLL).until(() -> "waiting".equals(script("return window.openvdiShareState")));
        assertThat(text("state")).contains("not connected right now");

        // she is back: the waiting share page joins, and the window cut while she was away is back on her desktop
        browser.switchTo().window(alicesPortal);
        aliceOpensHerDesktop(portal);
        awaitState(laterWindow, "connected");
        await().atMost(Duration.ofSeconds(60)).pollInterval(POLL).until(() -> "connected".equals(stateOf(absentWindow)));

        // the link that runs out ends its window saying so; the others stay
        await().atMost(Duration.ofSeconds(90)).pollInterval(POLL)
                .until(() -> "error:SHARE_EXPIRED".equals(stateOf(runsOutWindow)));
        assertThat(text("status-title")).isEqualTo("The shared desktop's time is up");
        assertThat(stateOf(laterWindow)).isEqualTo("connected");

        // her session ends: every window left says the shared session is over
        assertThat(alice.delete("/api/sessions/" + session).status()).isLessThan(300);
        for (String window : new String[] {laterWindow, absentWindow}) {
            awaitState(window, "error:SESSION_ENDED");
            assertThat(text("status-title")).isEqualTo("The shared session has ended");
        }
    }

    /** Clicks Open in Alice's portal and waits in the new tab until it shows her desktop; returns that tab. */
    private String aliceOpensHerDesktop(PortalPage portal) {
        String tab = opened(() -> portal.clickOpen(pool));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> new DesktopPage(browser).look().connected());
        return tab;
    }

    /** Alice shares her session with Bob for {@code seconds}: the share's id and the path of its link. */
    private static String[] share(ApiClient alice, String session, int seconds) {
        ApiClient.Answer shared = alice.post("/api/sessions/" + session + "/shares",
                "{\"mode\":\"VIEW\",\"viewer\":\"bob\",\"expiresIn\":" + seconds + "}");
        assertThat(shared.status()).as(shared.body()).isEqualTo(201);
        String link = shared.json().get("link").asText();
        return new String[] {shared.json().get("id").asText(), link.substring(link.indexOf("/shared.html"))};
    }

    /** Bob opens the link in a new window and waits until it shows Alice's desktop; returns that window. */
    private String bobWatches(String link) {
        String window = bobOpens(link);
        await().atMost(Duration.ofSeconds(60)).pollInterval(POLL).until(() -> new DesktopPage(browser).look().connected());
        return window;
    }

    private String bobOpens(String link) {
        String window = browser.switchTo().newWindow(WindowType.WINDOW).getWindowHandle();
        browser.get("http://127.0.0.1:" + product.brokerPort() + link);
        return window;
    }

    /** Runs {@code action} and switches to the window it opened. */
    private String opened(Runnable action) {
        Set<String> before = new HashSet<>(browser.getWindowHandles());
        action.run();
        await().atMost(SOON).pollInterval(Duration.ofMillis(20)).until(() -> browser.getWindowHandles().size() > before.size());
        String tab = browser.getWindowHandles().stream().filter(h -> !before.contains(h)).findFirst().orElseThrow();
        browser.switchTo().window(tab);
        return tab;
    }

    private void awaitState(String window, String state) {
        await().atMost(SOON).pollInterval(POLL).until(() -> state.equals(stateOf(window)));
    }

    /** The state connect.js reports in that window, which becomes the current one. */
    private String stateOf(String window) {
        browser.switchTo().window(window);
        return String.valueOf(script("return window.openvdiState"));
    }

    private Object script(String javascript) {
        return ((JavascriptExecutor) browser).executeScript(javascript);
    }

    private String text(String elementId) {
        return browser.findElement(By.id(elementId)).getText();
    }
}
