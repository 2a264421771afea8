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
    @Autowired
    javax.sql.DataSource dataSource;

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

    long head() {
        return jdbc.sql("SELECT COALESCE(max(globalIndex), 0) FROM DomainEventEntry").query(Long.class).single();
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
        // other test classes' pools share this broker and may still be changing: compare over a window in which no
        // event was stored, so that the rows before and after differ only if the rebuild got them wrong
        for (int attempt = 1; ; attempt++) {
            long head = head();
            var before = snapshot();

            var answer = admin.post("/api/admin/projections/rebuild", "");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("replayedEvents").asLong()).isGreaterThan(10);
            var after = snapshot();
            if (head() != head && attempt < 20) {
                Thread.sleep(250);
                continue;
            }
            for (String table : TABLES) {
                assertThat(after.get(table)).as(table).containsExactlyElementsOf(before.get(table));
            }
            break;
        }
        assertThat(new ApiClient(port, "audrey", "demo").post("/api/admin/projections/rebuild", "").status()).isEqualTo(403);
    }

    /**
     * Commands that write a read model while a rebuild runs wait for it, then apply their events to the rebuilt rows.
     * To hold the rebuild open while the renames come, a transaction of the test holds an uncommitted row of a
     * template that the rebuild is to insert again, so that the rebuild waits there after every table was emptied.
     * Without the table locks the renames' updates would wait for the rows the rebuild deleted, find them gone when it
     * committed, and the rebuilt {@code pool_view}, read before the renames committed, would lack them.
     */
    @Test
    void givenRenamesRacingARebuild_whenItCommits_thenEveryAcknowledgedRenameIsInTheReadModel() throws Exception {
        ApiClient admin = new ApiClient(port, "admin", "demo");
        String run = java.util.UUID.randomUUID().toString().substring(0, 8);
        String template = admin.post("/api/templates", admin.write(Map.of("name", "race-" + run, "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", TestImages.image("race.img").toString())));
        List<String> pools = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pools.add(admin.post("/api/pools", admin.write(Map.of("name", "race-" + run + "-" + i, "templateId", template,
                    "type", "FLOATING", "minSpare", 0, "maxSize", 1))).json().get("id").asText());
        }
        String blocker = admin.post("/api/templates", admin.write(Map.of("name", "race-block-" + run, "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        var threads = java.util.concurrent.Executors.newFixedThreadPool(pools.size() + 1);
        try (java.sql.Connection holder = dataSource.getConnection()) {
            try (var keep = holder.prepareStatement("CREATE TEMP TABLE held AS SELECT * FROM template_view WHERE id = ?");
                 var remove = holder.prepareStatement("DELETE FROM template_view WHERE id = ?")) {
                keep.setObject(1, java.util.UUID.fromString(blocker));
                keep.execute();
                remove.setObject(1, java.util.UUID.fromString(blocker));
                assertThat(remove.executeUpdate()).isOne();
            }
            holder.setAutoCommit(false);
            try (var hold = holder.createStatement()) {
                hold.execute("INSERT INTO template_view SELECT * FROM held");
            }
            var rebuild = threads.submit(() -> admin.post("/api/admin/projections/rebuild", ""));
            long holdUntil = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            Map<String, String> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicInteger whileHeld = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Future<?>> renaming = new java.util.ArrayList<>();
            for (String pool : pools) {
                renaming.add(threads.submit(() -> {
                    for (int round = 0; System.nanoTime() < holdUntil || !rebuild.isDone(); round++) {
                        boolean held = System.nanoTime() < holdUntil;
                        String name = "race-" + pool.substring(0, 8) + "-" + round;
                        var answer = admin.put("/api/pools/" + pool, admin.write(Map.of("name", name,
                                "powerPolicy", "KEEP_RUNNING", "minSpare", 0, "maxSize", 1,
                                "entitledUsers", List.of(), "entitledGroups", List.of())));
                        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                        acknowledged.put(pool, name);
                        whileHeld.addAndGet(held ? 1 : 0);
                    }
                    return null;
                }));
            }
            Thread.sleep(Math.max(0, (holdUntil - System.nanoTime()) / 1_000_000));
            holder.rollback();
            try (var drop = holder.createStatement()) {
                drop.execute("DROP TABLE held");
            }
            holder.commit();
            assertThat(rebuild.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
            for (var renames : renaming) {
                renames.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(whileHeld.get()).as("renames while the rebuild was held open").isPositive();
            assertThat(admin.get("/api/templates/" + blocker).status()).as("the held template rebuilt").isEqualTo(200);
            for (String pool : pools) {
                assertThat(admin.get("/api/pools/" + pool).json().get("name").asText()).as(pool)
                        .isEqualTo(acknowledged.get(pool));
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
