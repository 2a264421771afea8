package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.auditlog.api.AuditDataReadEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The audit answers on a whole broker over a history of real serialized events in its PostgreSQL event store, kept
 * by the real streaming projection: what each answer says, who may read it, paging and exports, hostile filters,
 * 50 exports at once, cross-site requests, every read recorded, and the rebuild's comparison.
 */
@BrokerTest
// these tests append events to the store directly, past the subscribing read models: a broker of their own, so
// that no other test's read models and rebuilds meet events they never saw
@TestPropertySource(properties = "openvdi.test.scenario=audit-log")
// one history for the whole class, appended and projected once: no test changes it (the rebuild test puts back the row
// it tampers with), and the reads each test counts are compared with that test's own starting figures
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiTest {

    private static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EventStorageEngine storage;
    ApiClient audrey;
    AuditHistory.Estate estate;
    UUID aliceSession;
    UUID bobSession;
    UUID aliceRecording;

    @BeforeAll
    void history() {
        audrey = new ApiClient(port, "audrey", "demo");
        AuditHistory history = new AuditHistory(storage);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        estate = history.estate(suffix, T0);
        aliceSession = history.session(estate, "alice", T0.plusSeconds(3600), "logoff");
        aliceRecording = history.recording(estate, aliceSession, "alice", T0.plusSeconds(3720));
        bobSession = history.session(estate, "bob", T0.plusSeconds(7200), "=HYPERLINK(\"http://evil\")");
        history.event("DesktopPool", estate.poolId(), new PoolReconfiguredEvent(estate.poolId(), "Pool " + suffix, 2, 6,
                PowerPolicy.KEEP_RUNNING, "admin"), "admin", T0.plusSeconds(60));
        history.event("DesktopPool", estate.poolId(), new PoolReconfiguredEvent(estate.poolId(), "Pool " + suffix, 3, 6,
                PowerPolicy.KEEP_RUNNING, "root"), "root", T0.plusSeconds(120));
        history.append();
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM audit_session WHERE session_id = ?"
                + " AND ended_at IS NOT NULL").param(bobSession).query(Long.class).single() == 1
                && jdbc.sql("SELECT count(*) FROM audit_change WHERE object_id = ?").param(estate.poolId())
                .query(Long.class).single() == 3
                && jdbc.sql("SELECT count(*) FROM audit_security WHERE kind = 'RECORDING_PLAYED' AND detail->>'recordingId' = ?")
                .param(aliceRecording.toString()).query(Long.class).single() == 1);
    }

    @Test
    void givenASessionHistory_whenAuditorSearchesByUserAndTime_thenEveryFieldComesFromTheEvents() {
        Answer answer = audrey.get("/api/audit/sessions?user=alice&pool=" + estate.poolId() + "&from=" + T0 + "&to="
                + T0.plusSeconds(5000));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode items = answer.json().path("items");
        assertThat(items).hasSize(1);
        JsonNode s = items.get(0);
        assertThat(s.path("sessionId").asText()).isEqualTo(aliceSession.toString());
        assertThat(s.path("hostName").asText()).startsWith("kvm-");
        assertThat(s.path("poolName").asText()).startsWith("Pool ");
        assertThat(s.path("templateName").asText()).startsWith("Tiny ");
        assertThat(s.path("imageVersion").asInt()).isEqualTo(1);
        assertThat(s.path("imageSha256").asText()).isEqualTo(estate.sha256());
        assertThat(s.path("clientAddress").asText()).isEqualTo("10.0.0.5");
        assertThat(Instant.parse(s.path("requestedAt").asText())).isEqualTo(T0.plusSeconds(3600));
        assertThat(Instant.parse(s.path("assignedAt").asText())).isEqualTo(T0.plusSeconds(3660));
        assertThat(Instant.parse(s.path("connectedAt").asText())).isEqualTo(T0.plusSeconds(3720));
        assertThat(Instant.parse(s.path("disconnectedAt").asText())).isEqualTo(T0.plusSeconds(6600));
        assertThat(Instant.parse(s.path("endedAt").asText())).isEqualTo(T0.plusSeconds(7200));
        assertThat(s.path("endReason").asText()).isEqualTo("logoff");
        assertThat(s.path("state").asText()).isEqualTo("ENDED");
        assertThat(s.path("recordingUrl").asText()).as("the session's recordings, once one is stored")
                .isEqualTo("/recordings.html?sessionId=" + aliceSession);
        assertThat(answer.json().path("next").isMissingNode() || answer.json().path("next").isNull()).isTrue();

        assertThat(audrey.get("/api/audit/sessions?user=alice&pool=" + estate.poolId() + "&from=" + T0.plusSeconds(8000))
                .json().path("items")).as("ended before from").isEmpty();
    }

    @Test
    void givenASessionWithoutRecording_whenSearched_thenNoRecordingLink() {
        JsonNode items = audrey.get("/api/audit/sessions?user=bob&pool=" + estate.poolId()).json().path("items");

        assertThat(items).hasSize(1);
        assertThat(items.get(0).has("recordingUrl")).as("null: bob's session was not recorded").isFalse();
    }

    @Test
    void givenAPlayedRecording_whenReadingTheSecurityLog_thenThePlaybackIsThereWithAuditorAndAddress() {
        JsonNode items = audrey.get("/api/audit/security?kind=RECORDING_PLAYED&actor=audrey&from=" + T0
                + "&to=" + T0.plusSeconds(20_000)).json().path("items");

        assertThat(items).anySatisfy(i -> {
            assertThat(i.path("detail").path("recordingId").asText()).isEqualTo(aliceRecording.toString());
            assertThat(i.path("detail").path("sessionId").asText()).isEqualTo(aliceSession.toString());
            assertThat(i.path("clientAddress").asText()).isEqualTo("10.0.0.9");
            assertThat(Instant.parse(i.path("at").asText())).isEqualTo(T0.plusSeconds(3720 + 4200));
        });
    }

    @Test
    void givenADesktop_whenAskingWhoHeldItAtAnInstant_thenTheHolderOfThatInstantOnly() {
        String desktop = jdbc.sql("SELECT CAST(desktop_id AS text) FROM audit_session WHERE session_id = ?")
                .param(aliceSession).query(String.class).single();

        JsonNode during = audrey.get("/api/audit/desktops/" + desktop + "/holders?at=" + T0.plusSeconds(4000)).json();
        JsonNode after = audrey.get("/api/audit/desktops/" + desktop + "/holders?at=" + T0.plusSeconds(8000)).json();

        assertThat(during.path("items")).hasSize(1);
        assertThat(during.path("items").get(0).path("user").asText()).isEqualTo("alice");
        assertThat(after.path("items")).isEmpty();
    }

    @Test
    void givenPoolChanges_whenReadingTheChangeLog_thenActorAndBeforeAndAfterValues() {
        JsonNode items = audrey.get("/api/audit/changes?object=" + estate.poolId()).json().path("items");

        assertThat(items).hasSize(3);
        assertThat(items.get(0).path("action").asText()).isEqualTo("PoolCreated");
        assertThat(items.get(0).path("before").isNull() || items.get(0).path("before").isMissingNode()).isTrue();
        JsonNode reconfigured = items.get(1);
        assertThat(reconfigured.path("actor").asText()).isEqualTo("admin");
        assertThat(reconfigured.path("before").path("minSpare").asInt()).isEqualTo(1);
        assertThat(reconfigured.path("after").path("minSpare").asInt()).isEqualTo(2);
        assertThat(reconfigured.path("after").path("maxSize").asInt()).isEqualTo(6);
        assertThat(reconfigured.path("after").has("name")).as("unchanged fields are left out").isFalse();
        assertThat(items.get(2).path("actor").asText()).isEqualTo("root");
        assertThat(items.get(2).path("before").path("minSpare").asInt()).isEqualTo(2);
    }

    @Test
    void givenAnAdmin_whenReadingChanges_thenOnlyTheirOwnAndOthers403() {
        ApiClient admin = new ApiClient(port, "admin", "demo");

        Answer own = admin.get("/api/audit/changes?object=" + estate.poolId());
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().path("items")).isNotEmpty().allSatisfy(c -> assertThat(c.path("actor").asText()).isEqualTo("admin"));
        assertThat(admin.get("/api/audit/changes?actor=admin").status()).isEqualTo(200);
        assertProblem(admin.get("/api/audit/changes?actor=root"), 403, "FORBIDDEN");
        for (String path : List.of("/api/audit/sessions", "/api/audit/users/alice/images", "/api/audit/security",
                "/api/audit/desktops/" + UUID.randomUUID() + "/holders")) {
            assertProblem(admin.get(path), 403, "FORBIDDEN");
        }
    }

    @Test
    void givenOtherRoles_whenReadingAuditData_thenEmployeesForbiddenAnonymousUnauthenticated() {
        for (String path : List.of("/api/audit/sessions", "/api/audit/changes", "/api/audit/users/alice/images",
                "/api/audit/security", "/api/audit/desktops/" + UUID.randomUUID() + "/holders", "/audit")) {
            for (String user : List.of("alice", "bob")) {
                assertThat(new ApiClient(port, user, "demo").get(path).status()).as(user + " " + path).isEqualTo(403);
            }
            assertThat(new ApiClient(port, null, null).get(path).status()).as("anonymous " + path).isIn(401, 302);
        }
        assertProblem(new ApiClient(port, null, null).get("/api/audit/sessions"), 401, "UNAUTHENTICATED");
        assertProblem(new ApiClient(port, "audrey", "demo").post("/api/admin/audit/rebuild", ""), 403, "FORBIDDEN");
    }

    @Test
    void givenAUser_whenAskingWhichImagesTheyHad_thenOnePerSessionWithVersionAndChecksum() {
        JsonNode items = audrey.get("/api/audit/users/bob/images?from=" + T0.plusSeconds(7000) + "&to=" + T0.plusSeconds(7300))
                .json().path("items");

        assertThat(items).anySatisfy(i -> {
            assertThat(i.path("sessionId").asText()).isEqualTo(bobSession.toString());
            assertThat(i.path("imageVersion").asInt()).isEqualTo(1);
            assertThat(i.path("imageSha256").asText()).isEqualTo(estate.sha256());
        });
    }

    @Test
    void givenMoreRowsThanALimit_whenPaging_thenNextLinksWalkEveryRowOnce() {
        List<String> seen = new ArrayList<>();
        String path = "/api/audit/sessions?pool=" + estate.poolId() + "&limit=1";
        while (path != null) {
            JsonNode page = audrey.get(path).json();
            page.path("items").forEach(i -> seen.add(i.path("sessionId").asText()));
            path = page.path("next").isTextual() ? page.path("next").asText() : null;
        }
        assertThat(seen).containsExactly(aliceSession.toString(), bobSession.toString());
    }

    @Test
    void givenExports_whenCsvOrJson_thenEveryRowStreamedAndFormulasDefused() {
        Answer csv = audrey.get("/api/audit/sessions?format=csv&pool=" + estate.poolId());
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("sessionId,user,poolId");
        assertThat(lines[2]).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"").doesNotContain(",=HYPERLINK");

        Answer json = audrey.get("/api/audit/changes?format=json&object=" + estate.poolId());
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json()).hasSize(3);
    }

    @Test
    void givenHostileFilters_whenQuerying_thenProblemsNeverServerErrors() {
        for (String query : List.of("from=yesterday", "to=2025-13-01T00:00:00Z", "limit=100000", "limit=0", "limit=-1",
                "limit=1e3", "user=" + enc("alice' OR '1'='1"), "user=" + enc("../../etc/passwd"), "user=" + enc("al\u202eice"),
                "user=" + enc("al\u0007ice"), "pool=" + enc("1; DROP TABLE audit_session"), "desktop=not-a-uuid",
                "cursor=" + enc("%%%"), "cursor=bm9wZQ", "format=xml", "unknown=1", "user=alice&user=bob",
                "from=" + T0.plusSeconds(10) + "&to=" + T0, "user=" + "a".repeat(10_000), "format=csv&limit=5")) {
            Answer answer = audrey.get("/api/audit/sessions?" + query);
            assertThat(answer.status()).as(query + " " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.body()).doesNotContain("DROP TABLE", "\u202e", "passwd");
        }
        assertThat(audrey.get("/api/audit/changes?type=nope").status()).isEqualTo(400);
        assertThat(audrey.get("/api/audit/security?kind=" + enc("<script>")).status()).isEqualTo(400);
        assertThat(audrey.get("/api/audit/users/" + enc("al ice") + "/images").status()).isEqualTo(400);
        assertThat(audrey.get("/api/audit/users/..%2F..%2Fetc/images").status()).isLessThan(500).isNotEqualTo(200);
        assertThat(audrey.get("/api/audit/desktops/not-a-uuid/holders").status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM audit_session").query(Long.class).single()).isPositive();
    }

    @Test
    void givenFiftyExportsAtOnce_whenStreaming_thenEachIsCompleteAndEachIsRecorded() {
        long before = reads("audrey");

        List<Answer> answers = Concurrently.run(50, () -> new ApiClient(port, "audrey", "demo")
                .get("/api/audit/sessions?format=csv&pool=" + estate.poolId()));

        assertThat(answers).allSatisfy(a -> {
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.body().split("\r\n")).hasSize(3);
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> reads("audrey") >= before + 50);
    }

    @Test
    void givenAnAuditRead_whenItHappened_thenItIsAnEventAndInTheSecurityLog() {
        long before = reads("audrey");

        audrey.get("/api/audit/sessions?user=alice");

        await().atMost(Duration.ofSeconds(10)).until(() -> reads("audrey") == before + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> audrey.get("/api/audit/security?kind=AUDIT_DATA_READ&actor=audrey")
                .json().path("items").size() > 0);
    }

    @Test
    void givenTheRawEventHistory_whenAnAuditorOrAnAdminReadsIt_thenEachReadIsAnAuditEvent() {
        long audreyBefore = reads("audrey");
        long adminBefore = reads("admin");

        Answer history = audrey.get("/api/events?aggregateId=" + estate.poolId());
        new ApiClient(port, "admin", "demo").get("/api/events?aggregateId=" + estate.poolId());
        new ApiClient(port, "alice", "demo").get("/api/events?aggregateId=" + estate.poolId());

        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json()).hasSize(3);
        assertThat(reads("audrey")).isEqualTo(audreyBefore + 1);
        assertThat(reads("admin")).isEqualTo(adminBefore + 1);
        assertThat(reads("alice")).as("a refused read reads nothing").isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ? AND convert_from(payload, 'UTF8')"
                        + " LIKE ? AND convert_from(payload, 'UTF8') LIKE ?").param(AuditDataReadEvent.class.getName())
                .param("%\"what\":\"EVENTS\"%").param("%" + estate.poolId() + "%").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void givenAnotherSite_whenItAsksTheBrowserToRebuildOrRead_thenWritesRefused() {
        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site",
                "Authorization", WebClient.basic("admin", "demo"));
        assertThat(browser.send("POST", "/api/admin/audit/rebuild", evil, null, null).status()).isEqualTo(403);
        WebClient signedIn = new WebClient(port).signIn("audrey", "demo");
        WebClient.Answer read = signedIn.send("GET", "/api/audit/sessions?user=alice", Map.of(), null, null);
        assertThat(read.status()).as("the auditor's own page reads").isEqualTo(200);
    }

    @Test
    void givenTheLiveTables_whenRebuilt_thenIdenticalAndATamperedRowIsReported() {
        ApiClient admin = new ApiClient(port, "admin", "demo");
        Answer clean = admin.post("/api/admin/audit/rebuild", "");
        assertThat(clean.status()).as(clean.body()).isEqualTo(200);
        assertThat(clean.json().path("identical").asBoolean()).as(clean.body()).isTrue();
        assertThat(clean.json().path("events").asLong()).isPositive();
        assertThat(clean.json().has("eventsPerSecond")).isTrue();

        jdbc.sql("UPDATE audit_session SET end_reason = 'tampered' WHERE session_id = ?").param(aliceSession).update();
        try {
            JsonNode report = admin.post("/api/admin/audit/rebuild", "").json();
            assertThat(report.path("identical").asBoolean()).isFalse();
            JsonNode sessions = report.path("tables").get(0);
            assertThat(sessions.path("table").asText()).isEqualTo("audit_session");
            assertThat(sessions.path("onlyLive").asLong()).isEqualTo(1);
            assertThat(sessions.path("onlyRebuilt").asLong()).isEqualTo(1);
            assertThat(sessions.path("onlyLiveRows").get(0).asText()).contains("tampered");
        } finally {
            jdbc.sql("UPDATE audit_session SET end_reason = 'logoff' WHERE session_id = ?").param(aliceSession).update();
        }
    }

    private long reads(String reader) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ? AND convert_from(payload, 'UTF8') LIKE ?")
                .param(AuditDataReadEvent.class.getName()).param("%\"reader\":\"" + reader + "\"%")
                .query(Long.class).single();
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }
}
