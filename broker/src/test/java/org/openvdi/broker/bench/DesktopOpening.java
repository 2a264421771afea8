package org.openvdi.broker.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.e2e.DesktopPage;
import org.openvdi.broker.e2e.PortalPage;

/**
 * An employee opening a desktop from the portal, timed from the click on Open until the desktop's tab shows
 * guest pixels (the browser is polled every {@value #POLL_MILLIS} ms); the broker's milestones come from the
 * session's events and the desktop's readyAt. Then the employee closes the tab and logs off, and the opening
 * waits until the desktop is gone, so that every opening starts from the same state.
 */
final class DesktopOpening {

    static final long POLL_MILLIS = 20;
    private static final Duration FIRST_FRAME_TIMEOUT = Duration.ofMinutes(5);

    private final PortalPage portal;
    private final ApiClient employee;
    private final AdminScenario admin;
    private final Path screenshots;
    private int openings;

    /** Each opening's tab is saved as {@code first-frame-<n>.png} in {@code screenshots} once the clock stopped. */
    DesktopOpening(PortalPage portal, ApiClient employee, AdminScenario admin, Path screenshots) throws IOException {
        this.portal = portal;
        this.employee = employee;
        this.admin = admin;
        this.screenshots = Files.createDirectories(screenshots);
    }

    OpenTimeline open(String poolId) throws InterruptedException, IOException {
        portal.reload();
        portal.awaitPool(poolId);
        Instant click = Instant.now();
        portal.clickOpen(poolId);
        DesktopPage desktop = portal.desktopTab(Duration.ofSeconds(30));
        TabTimes tab = watch(desktop, click);
        Files.write(screenshots.resolve("first-frame-" + ++openings + ".png"), desktop.screenshot());
        JsonNode session = openSession(poolId);
        portal.closeDesktopTab();
        OpenTimeline timeline = timeline(click, session, tab);
        logOff(session.get("id").asText(), session.get("desktopId").asText(), poolId);
        return timeline;
    }

    /** When the tab first said it is connected, and when it first showed guest pixels while connected. */
    private record TabTimes(Instant connected, Instant firstFrame) {
    }

    private static TabTimes watch(DesktopPage desktop, Instant click) throws InterruptedException {
        Instant connected = null;
        while (true) {
            DesktopPage.Look look = desktop.look();
            Instant seen = Instant.now();
            connected = connected == null && look.connected() ? seen : connected;
            if (look.connected() && look.showsGuest()) {
                return new TabTimes(connected, seen);
            }
            if (look.failed() || seen.isAfter(click.plus(FIRST_FRAME_TIMEOUT))) {
                throw new AssertionError("The desktop's tab shows no guest pixels " + Duration.between(click, seen)
                        + " after the click: state " + look.state() + ", " + look.colours() + " colours");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private OpenTimeline timeline(Instant click, JsonNode session, TabTimes tab) {
        Map<OpenStep, Long> afterClick = new EnumMap<>(OpenStep.class);
        Instant desktopReady = Instant.parse(admin.desktop(session.get("desktopId").asText()).get("readyAt").asText());
        if (desktopReady.isAfter(click)) {
            afterClick.put(OpenStep.DESKTOP_READY, millis(click, desktopReady));
        }
        String sessionId = session.get("id").asText();
        afterClick.put(OpenStep.SESSION_READY, millis(click, lastEvent(sessionId, "DesktopAssignedToSessionEvent")));
        afterClick.put(OpenStep.TOKEN_ISSUED, millis(click, lastEvent(sessionId, "ConnectionTokenIssuedEvent")));
        afterClick.put(OpenStep.TOKEN_REDEEMED, millis(click, lastEvent(sessionId, "ConnectionTokenRedeemedEvent")));
        afterClick.put(OpenStep.CONNECTED, millis(click, tab.connected()));
        afterClick.put(OpenStep.FIRST_FRAME, millis(click, tab.firstFrame()));
        return new OpenTimeline(afterClick);
    }

    /** Waits until the pool has a READY spare and gives its guest {@code settle} to finish booting. */
    void awaitSpare(String poolId, Duration settle) throws InterruptedException {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !admin.inState(poolId, "READY").isEmpty());
        Thread.sleep(settle.toMillis());
    }

    private JsonNode openSession(String poolId) {
        return StreamSupport.stream(employee.get("/api/sessions").json().spliterator(), false)
                .filter(s -> s.get("poolId").asText().equals(poolId) && !s.get("state").asText().equals("ENDED"))
                .findFirst().orElseThrow(() -> new AssertionError("No open session of pool " + poolId));
    }

    private Instant lastEvent(String sessionId, String type) {
        List<JsonNode> events = admin.events(sessionId, type);
        if (events.isEmpty()) {
            throw new AssertionError("Session " + sessionId + " has no " + type);
        }
        return Instant.parse(events.get(events.size() - 1).get("timestamp").asText());
    }

    /** Logs the session off and waits until its (floating) desktop is destroyed. */
    private void logOff(String sessionId, String desktopId, String poolId) {
        employee.delete("/api/sessions/" + sessionId);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                admin.desktops(poolId).stream().noneMatch(d -> d.get("id").asText().equals(desktopId)));
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}
