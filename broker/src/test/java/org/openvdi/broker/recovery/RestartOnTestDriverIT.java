package org.openvdi.broker.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;

/**
 * libvirt's test driver keeps its VMs in the memory of the process that opened it, so a broker that
 * restarts finds its test host empty. The broker must notice: every desktop it believed ready is
 * recorded as a GHOST drift and lost, is never counted as ready again, and the pool is refilled with
 * new desktops. Both after a clean stop and then after SIGKILL, on the same data (one store, three broker lives). A user who asks for a
 * desktop right after the restart, before the broker has checked the host, never gets one of the
 * forgotten ones.
 */
class RestartOnTestDriverIT {

    private static final Duration READY = Duration.ofSeconds(60);

    private final Path work = Path.of("target/it/test-driver-restart-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private final List<String> args = List.of(
            "--openvdi.images.directories=" + Path.of("target/test-images").toAbsolutePath(),
            "--openvdi.reconcile.interval=1000", "--openvdi.reconcile.initial-delay=5s",
            "--openvdi.kafka.enabled=false", "--openvdi.kafka.embedded=false");

    @Test
    void givenReadyDesktopsOnTestHost_whenBrokerStopsAndLaterIsKilled_thenEachTimeTheyAreRecordedLostAndThePoolRefills()
            throws Exception {
        String host;
        String pool;
        List<String> believed;
        try (AppProcess broker = AppProcess.broker(work, args)) {
            broker.start();
            AdminScenario before = new AdminScenario(broker.port());
            host = before.host("memory", "test:///default", 4);
            pool = before.pool("p", before.template("t"), "FLOATING", "KEEP_RUNNING", 2, 4, "alice");
            await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> before.inState(pool, "READY").size() == 2);
            believed = before.inState(pool, "READY");
        }   // a clean stop

        List<String> lost = new ArrayList<>(believed);
        List<String> believedBeforeTheKill;
        try (AppProcess broker = AppProcess.broker(work, args)) {
            broker.start();
            believedBeforeTheKill = afterRestart(broker, host, pool, believed, lost);
            broker.kill();
        }

        lost.addAll(believedBeforeTheKill);
        try (AppProcess broker = AppProcess.broker(work, args)) {
            broker.start();
            afterRestart(broker, host, pool, believedBeforeTheKill, lost);
        }
    }

    /**
     * A user asks at once; the desktops the broker believed ready are lost and destroyed, the pool refills with new
     * ones and the user gets one of those. Answers the pool's ready desktops once the user's session is over.
     */
    private List<String> afterRestart(AppProcess broker, String host, String pool, List<String> believed,
            List<String> lostSoFar) {
        AdminScenario after = new AdminScenario(broker.port());
        ApiClient alice = new ApiClient(broker.port(), "alice", "demo");
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();

        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> believed.stream()
                .allMatch(id -> after.desktop(id).get("state").asText().equals("DESTROYED")));
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> after.inState(pool, "READY").size() == 2);

        assertThat(after.inState(pool, "READY")).doesNotContainAnyElementsOf(believed);
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> alice.get("/api/sessions/" + session)
                .json().get("state").asText().equals("READY"));
        assertThat(alice.get("/api/sessions/" + session).json().get("desktopId").asText()).isNotIn(believed);
        assertThat(believed).allSatisfy(id -> assertThat(after.eventTypes(id))
                .containsSubsequence("DesktopBecameReadyEvent", "DesktopLostEvent", "DesktopDestroyedEvent"));
        List<String> ghosts = after.events(host, "HostDriftDetectedEvent").stream().map(JsonNode.class::cast)
                .filter(e -> e.at("/payload/kind").asText().equals("GHOST"))
                .map(e -> e.at("/payload/desktopId").asText()).toList();
        assertThat(ghosts).containsAll(lostSoFar).doesNotHaveDuplicates();

        // the session ends; its floating desktop is recycled and the pool settles at its two ready spares
        assertThat(alice.delete("/api/sessions/" + session).status()).isEqualTo(200);
        await().atMost(READY).pollInterval(Duration.ofMillis(200)).until(() -> after.inState(pool, "READY").size() == 2
                && after.inState(pool, "ASSIGNED").isEmpty() && after.inState(pool, "RECYCLING").isEmpty());
        return after.inState(pool, "READY");
    }
}
