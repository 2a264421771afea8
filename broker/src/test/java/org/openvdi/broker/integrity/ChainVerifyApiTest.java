package org.openvdi.broker.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.integrity.api.EventChainVerifiedEvent;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * POST /api/audit/verify on a whole broker with its own checkpoint key: only auditors may verify; every
 * verification, also 50 at once, answers the same verdict and is recorded as an event; nothing another site or a
 * hostile request sends starts one.
 */
@BrokerTest
class ChainVerifyApiTest {

    private static final Path WORK = Path.of("target", "it", "chain-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private static final CheckpointKeyFiles KEYS = CheckpointKeyFiles.generate(WORK.resolve("secrets"));

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    ApiClient audrey;

    @DynamicPropertySource
    static void checkpointKey(DynamicPropertyRegistry registry) {
        registry.add("openvdi.audit.checkpoints.private-key", KEYS.privateKey()::toString);
        registry.add("openvdi.audit.checkpoints.directory", () -> WORK.resolve("checkpoints").toString());
        registry.add("openvdi.audit.checkpoints.every-events", () -> "1");
        registry.add("openvdi.audit.sealing.interval", () -> "200ms");
    }

    @BeforeEach
    void someSealedEvents() {
        audrey = new ApiClient(port, "audrey", "demo");
        ApiClient admin = new ApiClient(port, "admin", "demo");
        assertThat(admin.post("/api/hosts", admin.write(Map.of("name", "h-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 1))).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() -> verified(audrey.post("/api/audit/verify", "")).path("checkpointsChecked").asLong() > 0);
    }

    private com.fasterxml.jackson.databind.JsonNode verified(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    @Test
    void givenAuditor_whenVerifying_thenIntactWithCountsAndSpeedAndTheVerificationIsAnEvent() {
        long before = recorded("audrey");

        Answer answer = audrey.post("/api/audit/verify", "");

        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(verified(answer).path("verdict").asText()).isEqualTo("INTACT");
        assertThat(answer.json().path("eventsChecked").asLong()).isPositive();
        assertThat(answer.json().path("checkpointsChecked").asLong()).isPositive();
        assertThat(answer.json().has("eventsPerSecond")).isTrue();
        assertThat(answer.json().path("signedCheckpoints").asBoolean()).isTrue();
        assertThat(recorded("audrey")).isEqualTo(before + 1);
    }

    @Test
    void givenOtherRoles_whenVerifying_thenAdminsAndEmployeesForbiddenAnonymousUnauthenticatedAndNothingRecorded() {
        long before = count();
        for (String user : List.of("admin", "alice", "bob")) {
            assertProblem(new ApiClient(port, user, "demo").post("/api/audit/verify", ""), 403, "FORBIDDEN");
        }
        assertProblem(new ApiClient(port, null, null).post("/api/audit/verify", ""), 401, "UNAUTHENTICATED");
        assertProblem(new ApiClient(port, "audrey", "wrong").post("/api/audit/verify", ""), 401, "UNAUTHENTICATED");
        assertThat(new ApiClient(port, "audrey", "demo").get("/api/audit/verify").status()).isIn(404, 405);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void givenFiftyAuditorsAtOnce_whenVerifying_thenEachGetsTheVerdictAndEachIsRecorded() {
        long before = recorded("audrey");

        List<Answer> answers = Concurrently.run(50, () -> new ApiClient(port, "audrey", "demo").post("/api/audit/verify", ""));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.json().path("verdict").asText()).isEqualTo("INTACT");
        });
        assertThat(recorded("audrey")).isEqualTo(before + 50);
    }

    @Test
    void givenAnotherSite_whenItMakesTheBrowserVerify_thenRefusedAndNothingRecorded() {
        long before = count();
        WebClient browser = new WebClient(port);
        Map<String, String> evil = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site",
                "Authorization", WebClient.basic("audrey", "demo"));
        assertProblem(browser.send("POST", "/api/audit/verify", evil, null, null), 403, "FORBIDDEN");
        assertProblem(browser.send("POST", "/api/audit/verify", evil, "text/plain", "x"), 415, "UNSUPPORTED_MEDIA_TYPE");
        WebClient signedIn = new WebClient(port).signIn("audrey", "demo");
        assertThat(signedIn.send("POST", "/api/audit/verify", Map.of(), "application/json", "{}").status())
                .as("a session without the CSRF token").isEqualTo(403);
        assertProblem(signedIn.send("POST", "/api/audit/verify", Map.of("X-XSRF-TOKEN", signedIn.csrfToken(),
                "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"), "application/json", "{}"), 403, "FORBIDDEN");
        assertThat(count()).isEqualTo(before);
        assertThat(signedIn.send("POST", "/api/audit/verify", Map.of("X-XSRF-TOKEN", signedIn.csrfToken()),
                "application/json", "{}").status()).as("the auditor's own page").isEqualTo(200);
    }

    @Test
    void givenHostileRequests_whenVerifying_thenProblemsNeverAServerError() {
        WebClient client = new WebClient(port);
        Map<String, String> basic = Map.of("Authorization", WebClient.basic("audrey", "demo"));
        assertProblem(client.send("POST", "/api/audit/verify", basic, "application/json", "{" + "\"a\":1,".repeat(60_000) + "}"),
                413, "PAYLOAD_TOO_LARGE");
        for (String path : List.of("/api/audit/verify/..;/verify", "/api/audit/%2e%2e/audit/verify", "/api/audit//verify",
                "/api/audit/verify%00", "/api/audit/verify?x=%E2%80%AE%07", "/api/audit/verify/../../events")) {
            WebClient.Answer answer = client.send("POST", path, basic, "application/json", "{}");
            assertThat(answer.status()).as(path + " " + answer.body()).isLessThan(500);
        }
        for (String body : List.of("{", "[]", "\"\u202e\"", "{\"a\":\"\u0000\"}", "null")) {
            assertThat(client.send("POST", "/api/audit/verify", basic, "application/json", body).status())
                    .as(body).isIn(200, 400);
        }
        assertProblem(client.send("POST", "/api/audit/verify", Map.of("Authorization", WebClient.basic("audrey\u202e", "demo")),
                "application/json", "{}"), 401, "UNAUTHENTICATED");
    }

    private long recorded(String auditor) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ? AND convert_from(payload, 'UTF8') LIKE ?")
                .param(EventChainVerifiedEvent.class.getName()).param("%\"auditor\":\"" + auditor + "\"%")
                .query(Long.class).single();
    }

    private long count() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ?")
                .param(EventChainVerifiedEvent.class.getName()).query(Long.class).single();
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }

    private static void assertProblem(WebClient.Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }
}
