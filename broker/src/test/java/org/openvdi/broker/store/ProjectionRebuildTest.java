package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The read models are a pure function of the event store: rebuilding them gives the same rows. */
@BrokerTest
class ProjectionRebuildTest {

    static final List<String> TABLES = List.of("host_view", "template_view", "template_version_view", "pool_view",
            "desktop_view", "session_view");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    Map<String, List<Map<String, Object>>> snapshot() {
        return TABLES.stream().collect(java.util.stream.Collectors.toMap(t -> t,
                t -> jdbc.sql("SELECT * FROM " + t + " ORDER BY 1, 2").query().listOfRows().stream()
                        .map(ProjectionRebuildTest::comparable).toList()));
    }

    /** SQL arrays compare by identity; their contents are what matters. */
    static Map<String, Object> comparable(Map<String, Object> row) {
        Map<String, Object> copy = new java.util.TreeMap<>();
        row.forEach((column, value) -> {
            try {
                copy.put(column, value instanceof java.sql.Array array ? List.of((Object[]) array.getArray()) : value);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        return copy;
    }

    @Test
    void givenHistory_whenProjectionsAreRebuilt_thenEveryReadModelIsTheSame() throws Exception {
        ApiClient admin = new ApiClient(port, "admin", "demo");
        ApiClient alice = new ApiClient(port, "alice", "demo");
        admin.post("/api/hosts", admin.write(Map.of("name", "rebuild-host", "uri", "test:///default", "virtType", "qemu",
                "maxDesktops", 5)));
        String template = admin.post("/api/templates", admin.write(Map.of("name", "rebuild-t", "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", TestImages.image("rebuild.img").toString())));
        String pool = admin.post("/api/pools", admin.write(Map.of("name", "rebuild-p", "templateId", template,
                "type", "FLOATING", "minSpare", 1, "maxSize", 3, "entitledUsers", new String[] {"alice"}))).json()
                .get("id").asText();
        admin.put("/api/pools/" + pool, admin.write(Map.of("name", "rebuild-p2", "powerPolicy", "KEEP_RUNNING",
                "minSpare", 1, "maxSize", 3,
                "entitledUsers", new String[] {"alice", "bob"}, "entitledGroups", new String[] {"engineering"})));
        String session = alice.post("/api/sessions", "{\"poolId\":\"" + pool + "\"}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                alice.get("/api/sessions/" + session).json().get("state").asText().equals("READY"));
        alice.delete("/api/sessions/" + session);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var desktops = admin.get("/api/desktops?includeDestroyed=true&poolId=" + pool).json();
            boolean settled = desktops.size() > 1;
            for (var desktop : desktops) {
                settled &= List.of("READY", "DESTROYED").contains(desktop.get("state").asText());
            }
            return settled;
        });
        Thread.sleep(1500);
        var before = snapshot();

        var answer = admin.post("/api/admin/projections/rebuild", "");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("replayedEvents").asLong()).isGreaterThan(10);
        var after = snapshot();
        for (String table : TABLES) {
            assertThat(after.get(table)).as(table).containsExactlyElementsOf(before.get(table));
        }
        assertThat(new ApiClient(port, "audrey", "demo").post("/api/admin/projections/rebuild", "").status()).isEqualTo(403);
    }
}
