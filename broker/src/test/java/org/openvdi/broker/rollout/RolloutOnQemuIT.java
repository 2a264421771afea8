package org.openvdi.broker.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.TinyImageVersions;
import org.openvdi.broker.UserDiskFiles;
import org.openvdi.broker.Virsh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real rollout on qemu:///system (software emulation) with the packaged broker and the shipped tiny template
 * (guest-agent readiness, a user disk at /home for persistent desktops): a persistent pool with two spares, alice
 * in a session, and bob's desktop idle and powered off, moves from version 1 to version 2 of the tiny image (the
 * same system with its version written on its boot partition, so each desktop's backing image volume on the host
 * tells its version). The spares move first (the canary, then the other), then bob's idle desktop is recomposed,
 * while alice's session goes on undisturbed on version 1 in the same running domain; her desktop moves only after
 * she ends her session. Bob's file on his user disk (/home/boots, a line per boot) is still there after the
 * recomposition. Uses a storage pool of its own and removes every VM and volume it made.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutOnQemuIT {

    private static final Logger log = LoggerFactory.getLogger(RolloutOnQemuIT.class);
    private static final Duration BOOT = Duration.ofMinutes(3);
    private static final Duration ROLLOUT = Duration.ofMinutes(8);

    private final String storagePool = "openvdi-it-roll-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/" + storagePool).toAbsolutePath();
    private AppProcess broker;
    private AdminScenario scenario;
    private Path version1;
    private Path version2;
    private String template;

    @BeforeAll
    void startBroker() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at qemu:///system");
        Path images = Files.createDirectories(work.resolve("images"));
        version1 = TinyImageVersions.first(images);
        version2 = TinyImageVersions.version(images, 2);
        // sessions that never connect keep their desktop for the whole test
        broker = AppProcess.broker(work, List.of("--openvdi.images.directories=" + images, "--openvdi.kafka.enabled=false",
                "--openvdi.connect.disconnect-timeout=60m"));
        broker.start();
        scenario = new AdminScenario(broker.port());
        scenario.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu", "maxDesktops", 6,
                "storagePool", storagePool));
        template = scenario.tinyTemplate(version1);
    }

    @AfterAll
    void removeWhatThisTestCreated() throws InterruptedException {
        if (broker == null) {
            return;
        }
        Set<String> desktops = new HashSet<>();
        scenario.admin().get("/api/desktops?includeDestroyed=true").json().forEach(d -> desktops.add(d.get("id").asText()));
        broker.close();
        Virsh.removeDesktopsAndPool(desktops, storagePool);
    }

    @Test
    void givenPersistentPoolWithSparesAnIdleAndAnInUseDesktop_whenRolledToVersion2_thenSparesFirstSessionUndisturbedAndUserDiskKept()
            throws Exception {
        // no spares at first: bob's and alice's desktops are provisioned in their names, with their user disks (a spare
        // that a user claims was provisioned without an owner, and so without a user disk)
        String pool = scenario.pool("persistent", template, "PERSISTENT", "POWER_OFF_AT_LOGOFF", 0, 5, "alice", "bob");
        ApiClient alice = new ApiClient(broker.port(), "alice", "demo");
        ApiClient bob = new ApiClient(broker.port(), "bob", "demo");

        // bob used his desktop once: powered off, with one boot on its user disk
        String bobsFirst = session(bob, pool);
        String alicesSession = session(alice, pool);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> scenario.desktops(pool).stream().filter(d -> d.hasNonNull("owner")).count() == 2);
        // then the spares, built meanwhile
        var spareTarget = scenario.admin().patch("/api/pools/" + pool, "{\"minSpare\":2}");
        assertThat(spareTarget.status()).as(spareTarget.body()).isEqualTo(200);
        String bobs = awaitSessionDesktop(bob, bobsFirst);
        String alices = awaitSessionDesktop(alice, alicesSession);
        bob.delete("/api/sessions/" + bobsFirst);
        awaitPoweredOff(bobs);
        List<String> bootsBefore = UserDiskFiles.lines(storagePool, bobs, "/boots", work);
        assertThat(bootsBefore).hasSize(1);
        await().atMost(BOOT).pollInterval(Duration.ofSeconds(1)).until(() -> spares(pool).size() == 2);
        List<String> oldSpares = spares(pool);
        String alicesRun = Virsh.domainRunId(alices);
        String image1 = Virsh.backingImage(storagePool, alices);
        assertThat(Virsh.backingImage(storagePool, oldSpares.get(0))).isEqualTo(image1);

        assertThat(scenario.publish(template, version2)).isEqualTo(2);
        Instant rolloutStarted = Instant.now();
        String rollout = scenario.rollout(pool, Map.of("templateVersion", 2, "canary", 1, "maxSurge", 1, "maxUnavailable", 2,
                "logoff", "WAIT"));

        // everything but alice's desktop moves; her session and its VM are left alone all along
        await().atMost(ROLLOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertUndisturbed(alice, alicesSession, alices, alicesRun, image1);
            JsonNode counts = scenario.rolloutView(pool, rollout).get("counts");
            assertThat(scenario.rolloutView(pool, rollout).get("state").asText()).isEqualTo("RUNNING");
            return counts.get("updated").asInt() == 3 && counts.get("waitingForLogoff").asInt() == 1;
        });
        log.info("Rollout {}: spares and the idle desktop on version 2 after {} s", rollout,
                Duration.between(rolloutStarted, Instant.now()).toSeconds());
        assertThat(stagesInOrder(rollout)).containsExactly("CANARY", "SPARE", "IDLE", "awaiting logoff");
        assertThat(awaitingLogoff(rollout)).isEqualTo(alices);
        JsonNode alicesView = scenario.desktops(pool).stream().filter(d -> d.get("id").asText().equals(alices)).findFirst()
                .orElseThrow();
        assertThat(alicesView.get("templateVersion").asInt()).isEqualTo(1);
        assertThat(alicesView.get("targetVersion").asInt()).isEqualTo(2);
        assertThat(scenario.eventTypes(alices)).doesNotContain("DesktopRecompositionStartedEvent");

        String image2 = Virsh.backingImage(storagePool, bobs);
        assertThat(image2).isNotEqualTo(image1).endsWith(".raw");
        assertThat(scenario.desktop(bobs).get("templateVersion").asInt()).isEqualTo(2);
        assertThat(spares(pool)).hasSize(2).doesNotContainAnyElementsOf(oldSpares)
                .allSatisfy(spare -> assertThat(Virsh.backingImage(storagePool, spare)).isEqualTo(image2));
        oldSpares.forEach(old -> assertThat(Virsh.domainExists(old)).as("old spare %s", old).isFalse());

        // alice ends her session: only now her desktop moves, and the rollout completes
        Instant aliceLeft = Instant.now();
        assertThat(alice.delete("/api/sessions/" + alicesSession).status()).isLessThan(300);
        await().atMost(ROLLOUT).pollInterval(Duration.ofSeconds(1))
                .until(() -> scenario.rolloutView(pool, rollout).get("state").asText().equals("COMPLETED"));
        JsonNode recomposed = scenario.events(alices, "DesktopRecompositionStartedEvent").get(0);
        assertThat(Instant.parse(recomposed.get("timestamp").asText())).isAfter(aliceLeft);
        assertThat(scenario.desktop(alices).get("templateVersion").asInt()).isEqualTo(2);
        assertThat(scenario.desktop(alices).get("owner").asText()).isEqualTo("alice");
        assertThat(Virsh.backingImage(storagePool, alices)).isEqualTo(image2);
        JsonNode done = scenario.rolloutView(pool, rollout);
        assertThat(done.get("counts").get("updated").asInt()).isEqualTo(4);
        assertThat(done.get("counts").get("failed").asInt()).isZero();
        log.info("Rollout {} completed {} s after alice's logoff, {} s in all", rollout,
                Duration.between(aliceLeft, Instant.now()).toSeconds(), Duration.between(rolloutStarted, Instant.now()).toSeconds());

        // bob gets the same desktop back, on version 2, with his first boot still on its user disk
        String bobsSecond = session(bob, pool);
        assertThat(awaitSessionDesktop(bob, bobsSecond)).isEqualTo(bobs);
        bob.delete("/api/sessions/" + bobsSecond);
        awaitPoweredOff(bobs);
        List<String> bootsAfter = UserDiskFiles.lines(storagePool, bobs, "/boots", work);
        assertThat(bootsAfter).hasSize(2).startsWith(bootsBefore.get(0));
    }

    private void assertUndisturbed(ApiClient alice, String session, String desktop, String run, String image) {
        assertThat(alice.get("/api/sessions/" + session).json().get("state").asText()).isEqualTo("READY");
        JsonNode view = scenario.desktop(desktop);
        assertThat(view.get("state").asText()).isEqualTo("ASSIGNED");
        assertThat(view.get("templateVersion").asInt()).isEqualTo(1);
        assertThat(Virsh.domainRunId(desktop)).as("the same running domain").isEqualTo(run);
        assertThat(Virsh.backingImage(storagePool, desktop)).isEqualTo(image);
    }

    /** The stages of the rollout's moves as they began, and the in-use desktops as they were put to wait. */
    private List<String> stagesInOrder(String rollout) {
        List<String> stages = new ArrayList<>();
        for (JsonNode event : scenario.events(rollout)) {
            switch (event.get("type").asText()) {
                case "RolloutDesktopUpdateStartedEvent" -> stages.add(event.get("payload").get("stage").asText());
                case "RolloutDesktopAwaitingLogoffEvent" -> stages.add("awaiting logoff");
                default -> { }
            }
        }
        return stages;
    }

    private String awaitingLogoff(String rollout) {
        return scenario.events(rollout, "RolloutDesktopAwaitingLogoffEvent").get(0).get("payload").get("desktopId").asText();
    }

    /** The pool's ready desktops that nobody owns. */
    private List<String> spares(String pool) {
        return scenario.desktops(pool).stream()
                .filter(d -> d.get("state").asText().equals("READY") && !d.hasNonNull("owner"))
                .map(d -> d.get("id").asText()).toList();
    }

    private static String session(ApiClient user, String pool) {
        var answer = user.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return answer.json().get("id").asText();
    }

    private static String awaitSessionDesktop(ApiClient user, String sessionId) {
        await().atMost(BOOT).pollInterval(Duration.ofMillis(500))
                .until(() -> user.get("/api/sessions/" + sessionId).json().get("state").asText().equals("READY"));
        return user.get("/api/sessions/" + sessionId).json().get("desktopId").asText();
    }

    private void awaitPoweredOff(String desktop) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> scenario.desktop(desktop).get("state").asText().equals("POWERED_OFF")
                        && Virsh.domainState(desktop).equals("shut off"));
    }
}
