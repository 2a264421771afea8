package org.openvdi.broker.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;

/**
 * SIGKILL of the broker while real desktops are being provisioned on qemu:///system (software
 * emulation), then a restart on the same data: no acknowledged event is lost, every interrupted
 * desktop finishes (or fails and is torn down), and the host holds no VM or volume the broker does
 * not account for.
 */
class KillMidProvisioningIT {

    private final String storagePool = "openvdi-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/kill-" + storagePool).toAbsolutePath();
    private final List<String> desktopIds = new ArrayList<>();

    @Test
    void givenDesktopsMidProvisioning_whenBrokerIsKilledAndRestarted_thenNothingIsLostAndNothingIsOrphaned() throws Exception {
        Path images = work.resolve("images");
        Files.createDirectories(images);
        Path image = images.resolve("tiny-desktop.img");
        Files.copy(AppProcess.tinyImage(), image);
        List<String> args = List.of("--openvdi.images.directories=" + images, "--openvdi.reconcile.interval=2000",
                "--openvdi.kafka.enabled=false", "--openvdi.kafka.embedded=false");
        Map<String, List<String>> historyBeforeKill = new HashMap<>();

        try (AppProcess broker = AppProcess.broker(work, args)) {
            broker.start();
            ApiClient admin = new ApiClient(broker.port(), "admin", "demo");
            admin.post("/api/hosts", admin.write(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu",
                    "maxDesktops", 4, "storagePool", storagePool)));
            String template = admin.post("/api/templates", admin.write(Map.of("name", "tiny", "vcpus", 1,
                    "memoryMiB", 128))).json().get("id").asText();
            admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath", image.toString())));
            admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", template, "type", "FLOATING",
                    "minSpare", 2, "maxSize", 2)));

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    states(admin).values().stream().anyMatch(s -> Set.of("CLONED", "DEFINED", "STARTED").contains(s)));
            for (String id : states(admin).keySet()) {
                desktopIds.add(id);
                historyBeforeKill.put(id, types(admin, id));
            }
            broker.kill();
        }

        try (AppProcess broker = AppProcess.broker(work, args)) {
            broker.start();
            ApiClient admin = new ApiClient(broker.port(), "admin", "demo");
            for (var entry : historyBeforeKill.entrySet()) {
                assertThat(types(admin, entry.getKey())).startsWith(entry.getValue().toArray(String[]::new));
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    states(admin).values().stream().noneMatch(s -> Set.of("REQUESTED", "CLONED", "DEFINED", "STARTED",
                            "FAILED", "LOST", "RECYCLING").contains(s)));
            Map<String, String> after = states(admin);
            desktopIds.addAll(after.keySet());
            assertThat(after.values()).allMatch(s -> s.equals("READY"));
            assertThat(after).hasSize(2);
            assertThat(ours()).isEqualTo(Set.copyOf(after.keySet()));
        }
    }

    private static Map<String, String> states(ApiClient admin) {
        Map<String, String> states = new HashMap<>();
        for (JsonNode desktop : admin.get("/api/desktops").json()) {
            states.put(desktop.get("id").asText(), desktop.get("state").asText());
        }
        return states;
    }

    private static List<String> types(ApiClient admin, String aggregateId) {
        List<String> types = new ArrayList<>();
        admin.get("/api/events?aggregateId=" + aggregateId).json().forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    /** Desktop ids of every vdi-* domain and volume of this test on the host. */
    private Set<String> ours() {
        Set<String> ids = new HashSet<>();
        for (String line : Virsh.run("list", "--all", "--name").lines()) {
            if (line.startsWith("vdi-") && desktopIds.contains(line.substring(4))) {
                ids.add(line.substring(4));
            }
        }
        for (String line : Virsh.run("vol-list", storagePool).lines()) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith("vdi-") && name.endsWith(".qcow2")) {
                ids.add(name.substring(4, name.length() - 6));
            }
        }
        return ids;
    }

    @AfterEach
    void removeWhatThisTestCreated() {
        Virsh.removeDesktopsAndPool(storagePool);
    }
}
