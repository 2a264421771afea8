package org.openvdi.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What an admin sets up through the REST API for a test (hosts, templates, pools), and what tests read back. */
public final class AdminScenario {

    private final ApiClient admin;

    public AdminScenario(int port) {
        this.admin = new ApiClient(port, "admin", "demo");
    }

    public ApiClient admin() {
        return admin;
    }

    public String host(String name, String uri, int maxDesktops) {
        return host(Map.of("name", name, "uri", uri, "virtType", "qemu", "maxDesktops", maxDesktops));
    }

    public String host(Map<String, Object> request) {
        var answer = admin.post("/api/hosts", admin.write(request));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    /** A template with one version whose image is a file of random bytes with an MBR boot signature under target/test-images (test driver only). */
    public String template(String name) {
        return template(name, randomImage(), 128);
    }

    public String template(String name, Path image, int memoryMiB) {
        var template = admin.post("/api/templates", admin.write(Map.of("name", name, "vcpus", 1, "memoryMiB", memoryMiB)));
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        String id = template.json().get("id").asText();
        var version = admin.post("/api/templates/" + id + "/versions", admin.write(Map.of("imagePath", image.toString())));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        return id;
    }

    /**
     * The shipped tiny template, registered from its descriptor (desktop-templates/tiny/template.yaml: 256 MiB,
     * guest-agent readiness, a user disk for persistent desktops), with {@code image} as its version 1.
     */
    public String tinyTemplate(Path image) {
        String yaml;
        try {
            yaml = Files.readString(AppProcess.repositoryRoot().resolve("desktop-templates/tiny/template.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var template = admin.post("/api/templates", "application/yaml", yaml);
        assertThat(template.status()).as(template.body()).isEqualTo(201);
        String id = template.json().get("id").asText();
        assertThat(publish(id, image)).isEqualTo(1);
        return id;
    }

    /** Publishes {@code image} as the template's next version and answers its number. */
    public int publish(String templateId, Path image) {
        var version = admin.post("/api/templates/" + templateId + "/versions", admin.write(Map.of("imagePath", image.toString())));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        return version.json().get("version").asInt();
    }

    /** Starts a rollout of the pool (202) with the given strategy fields and answers its id. */
    public String rollout(String poolId, Map<String, Object> strategy) {
        var answer = admin.post("/api/pools/" + poolId + "/rollouts", admin.write(strategy));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return answer.json().get("id").asText();
    }

    public JsonNode rolloutView(String poolId, String rolloutId) {
        return admin.get("/api/pools/" + poolId + "/rollouts/" + rolloutId).json();
    }

    public String pool(String name, String templateId, String type, String powerPolicy, int minSpare, int maxSize,
                       String... users) {
        var answer = admin.post("/api/pools", admin.write(Map.of("name", name, "templateId", templateId, "type", type,
                "powerPolicy", powerPolicy, "minSpare", minSpare, "maxSize", maxSize, "entitledUsers", users)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    public List<JsonNode> desktops(String poolId) {
        List<JsonNode> list = new ArrayList<>();
        admin.get("/api/desktops?poolId=" + poolId).json().forEach(list::add);
        return list;
    }

    public JsonNode desktop(String desktopId) {
        return admin.get("/api/desktops/" + desktopId).json();
    }

    public List<String> inState(String poolId, String state) {
        return desktops(poolId).stream().filter(d -> d.get("state").asText().equals(state))
                .map(d -> d.get("id").asText()).toList();
    }

    /** Desktops of the pool that are not destroyed, counted by host id. */
    public Map<String, Integer> perHost(String poolId) {
        Map<String, Integer> counts = new HashMap<>();
        desktops(poolId).forEach(d -> counts.merge(d.get("hostId").asText(), 1, Integer::sum));
        return counts;
    }

    public JsonNode hostView(String hostId) {
        return admin.get("/api/hosts/" + hostId).json();
    }

    /** The aggregate's events, oldest first. */
    public List<JsonNode> events(String aggregateId) {
        List<JsonNode> events = new ArrayList<>();
        admin.get("/api/events?aggregateId=" + aggregateId).json().forEach(events::add);
        return events;
    }

    public List<String> eventTypes(String aggregateId) {
        return events(aggregateId).stream().map(e -> e.get("type").asText()).toList();
    }

    public List<JsonNode> events(String aggregateId, String type) {
        return events(aggregateId).stream().filter(e -> e.get("type").asText().equals(type)).toList();
    }

    public static Path randomImage() {
        try {
            Path dir = Path.of("target/test-images").toAbsolutePath();
            Files.createDirectories(dir);
            Path file = dir.resolve(UUID.randomUUID() + ".img");
            byte[] data = new byte[64 * 1024];
            new java.util.Random().nextBytes(data);
            TestImages.withBootSignature(data);
            Files.write(file, data);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
