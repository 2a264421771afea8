package org.openvdi.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.TinyImageVersions;
import org.openvdi.broker.Virsh;

/**
 * A rollout against fresh provisioning, in one run on qemu:///system (software emulation) with the packaged broker
 * and the shipped tiny template (256 MiB, ready when its guest agent answers): a floating pool is filled with
 * {@code bench.desktops} (20) spares on version 1, timed from the pool's creation to its last desktop ready; then the
 * pool is rolled to version 2 (the same system with its version on its boot partition), timed from the start request
 * to the rollout's completion. The goal is a rollout at most 1.2 times the provisioning. Printed and written to
 * target/bench/rollout.md; removes its VMs, volumes and storage pool. Runs only with {@code -Pbench}
 * ({@code ./vdi bench}). Strategy: {@code -Dbench.rollout.max-surge} (4), {@code -Dbench.rollout.max-unavailable}
 * (4), canary 1; {@code -Dbench.workers} (the broker's default, 4).
 */
class RolloutBench {

    private static final Duration PHASE = Duration.ofMinutes(30);

    private final int desktops = Integer.getInteger("bench.desktops", 20);
    private final int workers = Integer.getInteger("bench.workers", 4);
    private final int maxSurge = Integer.getInteger("bench.rollout.max-surge", 4);
    private final int maxUnavailable = Integer.getInteger("bench.rollout.max-unavailable", 4);
    private final String storagePool = "openvdi-bench-roll-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/bench/run-" + storagePool).toAbsolutePath();

    @Test
    void givenPoolOfReadySpares_whenRolledToTheNextVersion_thenReportItsTimeAgainstProvisioningAsMany() throws Exception {
        assertThat(Virsh.reachable()).as("libvirtd at qemu:///system").isTrue();
        Path images = Files.createDirectories(work.resolve("images"));
        Path version1 = TinyImageVersions.first(images);
        Path version2 = TinyImageVersions.version(images, 2);
        AppProcess broker = AppProcess.broker(work, List.of("--openvdi.images.directories=" + images,
                "--openvdi.kafka.enabled=false", "--openvdi.provisioning.workers=" + workers));
        AdminScenario scenario = null;
        try {
            broker.start();
            scenario = new AdminScenario(broker.port());
            AdminScenario admin = scenario;
            admin.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu",
                    "maxDesktops", desktops + maxSurge, "storagePool", storagePool));
            String template = admin.tinyTemplate(version1);
            // the image goes onto the host with the first desktop of each version: both phases pay it once

            Instant created = Instant.now();
            String pool = admin.pool("bench", template, "FLOATING", "KEEP_RUNNING", desktops, desktops + maxSurge);
            await().atMost(PHASE).pollInterval(Duration.ofSeconds(1)).until(() -> ready(admin, pool, 1) == desktops);
            Phase provisioning = Phase.of(admin, pool, 1, created);
            Set<String> oldDesktops = new HashSet<>(provisioning.ids());

            assertThat(admin.publish(template, version2)).isEqualTo(2);
            Instant started = Instant.now();
            String rollout = admin.rollout(pool, Map.of("templateVersion", 2, "canary", 1, "maxSurge", maxSurge,
                    "maxUnavailable", maxUnavailable, "logoff", "WAIT"));
            await().atMost(PHASE).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String state = admin.rolloutView(pool, rollout).get("state").asText();
                assertThat(state).as("rollout " + rollout).isIn("SCHEDULED", "RUNNING", "COMPLETED");
                return state.equals("COMPLETED") && ready(admin, pool, 2) >= desktops;
            });
            JsonNode view = admin.rolloutView(pool, rollout);
            Phase rolling = Phase.of(admin, pool, 2, started);
            assertThat(rolling.ids()).doesNotContainAnyElementsOf(oldDesktops);
            report(admin, rollout, view, provisioning, rolling, started).publish("rollout.md");
        } finally {
            Set<String> ids = new HashSet<>();
            if (scenario != null) {
                scenario.admin().get("/api/desktops?includeDestroyed=true").json().forEach(d -> ids.add(d.get("id").asText()));
            }
            broker.close();
            Virsh.removeDesktopsAndPool(ids, storagePool);
        }
    }

    private static long ready(AdminScenario admin, String pool, int version) {
        return admin.desktops(pool).stream().filter(d -> d.get("state").asText().equals("READY")
                && d.get("templateVersion").asInt() == version).count();
    }

    /** The ready desktops of one version, and the time from the phase's start to the last of them ready. */
    private record Phase(List<String> ids, double seconds, Samples requestToReady) {

        static Phase of(AdminScenario admin, String pool, int version, Instant start) {
            List<String> ids = new ArrayList<>();
            Samples requestToReady = new Samples();
            Instant last = start;
            for (JsonNode d : admin.desktops(pool)) {
                if (!d.get("state").asText().equals("READY") || d.get("templateVersion").asInt() != version) {
                    continue;
                }
                ids.add(d.get("id").asText());
                Instant ready = Instant.parse(d.get("readyAt").asText());
                requestToReady.add(Duration.between(Instant.parse(d.get("requestedAt").asText()), ready).toMillis());
                last = ready.isAfter(last) ? ready : last;
            }
            return new Phase(ids, Duration.between(start, last).toMillis() / 1000.0, requestToReady);
        }
    }

    private BenchDocument report(AdminScenario admin, String rollout, JsonNode view, Phase provisioning, Phase rolling,
                                 Instant started) {
        BenchDocument document = new BenchDocument("Rollout benchmark").machine(MachineFacts.basics());
        document.setting(desktops + " spares of a floating pool (minSpare " + desktops + ", maxSize " + (desktops + maxSurge)
                + ") on one host qemu:///system (maxDesktops " + (desktops + maxSurge) + "), " + workers
                + " provisioning workers");
        document.setting("the shipped tiny template: " + AppProcess.tinyImage().toFile().length() / (1024 * 1024)
                + " MiB raw image, 1 vCPU and 256 MiB per desktop, READY once its guest agent answers; version 2 is the "
                + "same system with its version written on its boot partition (another image volume on the host)");
        document.setting("provisioning: from the pool's creation to its last desktop ready; rollout: from the start "
                + "request to its completion with every spare ready on version 2 (canary 1, maxSurge " + maxSurge
                + ", maxUnavailable " + maxUnavailable + ", logoff WAIT)");
        double ratio = rolling.seconds() / provisioning.seconds();
        Map<String, String> moves = new LinkedHashMap<>();
        Instant canaryPassed = null;
        for (JsonNode event : admin.events(rollout)) {
            String type = event.get("type").asText();
            if (type.equals("RolloutDesktopUpdateStartedEvent")) {
                String key = event.get("payload").get("stage").asText() + " " + event.get("payload").get("method").asText();
                moves.merge(key, "1", (a, b) -> Integer.toString(Integer.parseInt(a) + 1));
            } else if (type.equals("RolloutCanaryPassedEvent")) {
                canaryPassed = Instant.parse(event.get("timestamp").asText());
            }
        }
        List<List<String>> rows = List.of(
                row("provision " + desktops + " fresh desktops (version 1)", provisioning),
                row("roll " + desktops + " ready spares to version 2", rolling));
        document.table("Time", List.of("phase", "desktops", "seconds", "request to ready p50 ms", "p95 ms", "max ms"), rows);
        document.section("Ratio", String.format(Locale.ROOT, "rollout / provisioning = %.1f s / %.1f s = **%.2f×** "
                + "(goal: at most 1.2×)", rolling.seconds(), provisioning.seconds(), ratio));
        StringBuilder detail = new StringBuilder();
        if (canaryPassed != null) {
            detail.append(String.format(Locale.ROOT, "- canary passed %.1f s after the start request%n",
                    Duration.between(started, canaryPassed).toMillis() / 1000.0));
        }
        moves.forEach((key, count) -> detail.append("- moves ").append(key).append(": ").append(count).append('\n'));
        JsonNode counts = view.get("counts");
        detail.append("- rollout counts: total ").append(counts.get("total").asInt()).append(", updated ")
                .append(counts.get("updated").asInt()).append(", failed ").append(counts.get("failed").asInt());
        return document.section("The rollout's moves", detail.toString());
    }

    private static List<String> row(String phase, Phase p) {
        return List.of(phase, Integer.toString(p.ids().size()), String.format(Locale.ROOT, "%.1f", p.seconds()),
                Long.toString(p.requestToReady().percentile(50)), Long.toString(p.requestToReady().percentile(95)),
                Long.toString(p.requestToReady().max()));
    }
}
