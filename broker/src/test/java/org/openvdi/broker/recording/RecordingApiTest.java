package org.openvdi.broker.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.auditlog.api.AuditDataReadEvent;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;

/**
 * The recordings API on a whole broker: only auditors list, read, play (with byte ranges) and delete recordings;
 * every play from the start and every deletion is an event; hostile ids, ranges and other sites get problems,
 * never a file outside the recordings directory or a server error. The recording is started as the redemption
 * starts it (its command), and its file is a small Guacamole recording written where guacd writes; the scanner
 * of this broker stores it with its size and checksum. guacd's own recording of a real display is checked in the
 * gateway's {@code TunnelEndToEndTest}.
 */
class RecordingApiTest extends RecordingBroker {

    private UUID sessionId;
    private UUID recordingId;
    private byte[] bytes;

    @BeforeEach
    void storedRecording() throws Exception {
        sessionId = UUID.randomUUID();
        recordingId = UUID.randomUUID();
        String name = RecordingFiles.nameOf(sessionId, recordingId);
        bytes = Files.readAllBytes(SyntheticRecording.write(RECORDINGS.resolve(name), 40, 250));
        Files.setLastModifiedTime(RECORDINGS.resolve(name), java.nio.file.attribute.FileTime.from(
                Instant.now().minusSeconds(5)));
        commands.system(new StartRecordingCommand(recordingId, sessionId, UUID.randomUUID(), UUID.randomUUID(),
                "alice", name, Instant.now().minusSeconds(20)));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(get("audrey", "/api/recordings/" + recordingId,
                Map.of())).equals("STORED"));
    }

    private static Map<String, String> as(String user) {
        return Map.of("Authorization", WebClient.basic(user, "demo"));
    }

    private Answer get(String user, String path, Map<String, String> extra) {
        Map<String, String> headers = new java.util.HashMap<>(as(user));
        headers.putAll(extra);
        return new WebClient(port).send("GET", path, headers, null, null);
    }

    private static String state(Answer answer) {
        return answer.status() == 200 ? answer.json().path("state").asText() : "HTTP " + answer.status();
    }

    @Test
    void givenAStoredRecording_whenAnAuditorListsTheSession_thenItHasTheFilesSizeAndChecksumAsEvents() throws Exception {
        Answer list = get("audrey", "/api/recordings?sessionId=" + sessionId, Map.of());

        assertThat(list.status()).as(list.body()).isEqualTo(200);
        JsonNode recording = list.json().get(0);
        assertThat(list.json()).hasSize(1);
        assertThat(recording.path("id").asText()).isEqualTo(recordingId.toString());
        assertThat(recording.path("state").asText()).isEqualTo("STORED");
        assertThat(recording.path("sizeBytes").asLong()).isEqualTo(bytes.length);
        assertThat(recording.path("sha256").asText()).isEqualTo(sha256(bytes));
        assertThat(recording.path("user").asText()).isEqualTo("alice");
        assertThat(list.body()).doesNotContain(".guac").doesNotContain(RECORDINGS.toString());
        Answer events = get("audrey", "/api/events?aggregateId=" + recordingId, Map.of());
        assertThat(events.json().findValuesAsText("type")).containsExactly("RecordingStartedEvent", "RecordingStoredEvent");
        JsonNode stored = events.json().get(1).path("payload");
        assertThat(stored.path("sizeBytes").asLong()).isEqualTo(bytes.length);
        assertThat(stored.path("sha256").asText()).isEqualTo(sha256(bytes));
        assertThat(get("audrey", "/api/recordings?sessionId=" + UUID.randomUUID(), Map.of()).json()).isEmpty();
    }

    @Test
    void givenAnAuditor_whenReadingASessionsRecordingsOrOneRecording_thenEachReadIsAnAuditEvent() {
        long before = reads("audrey");

        get("audrey", "/api/recordings?sessionId=" + sessionId, Map.of());
        get("audrey", "/api/recordings/" + recordingId, Map.of());
        get("audrey", "/api/recordings/" + UUID.randomUUID(), Map.of());

        assertThat(reads("audrey")).as("a list, a recording, and a recording that is not there").isEqualTo(before + 3);
        assertThat(jdbc.sql("SELECT convert_from(payload, 'UTF8') FROM domainevententry WHERE payloadtype = ?"
                        + " AND convert_from(payload, 'UTF8') LIKE ?").param(AuditDataReadEvent.class.getName())
                .param("%" + sessionId + "%").query(String.class).list())
                .anySatisfy(read -> assertThat(read).contains("\"what\":\"RECORDINGS\"", "\"count\":1"));
        long refused = reads(null);
        get("admin", "/api/recordings?sessionId=" + sessionId, Map.of());
        assertThat(reads(null)).as("a refused read reads nothing").isEqualTo(refused);
    }

    @Test
    void givenAnAuditor_whenPlaying_thenTheWholeFileAndOnePlayedEvent() {
        long before = played("audrey");

        Answer file = get("audrey", "/api/recordings/" + recordingId + "/file", Map.of());

        assertThat(file.status()).isEqualTo(200);
        assertThat(file.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        assertThat(file.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(file.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(file.body()).startsWith("4.size,1.0,3.320,3.200;");
        assertThat(played("audrey")).isEqualTo(before + 1);
        assertThat(get("audrey", "/api/recordings/" + recordingId, Map.of()).json().path("plays").asInt()).isPositive();
        Answer head = new WebClient(port).send("HEAD", "/api/recordings/" + recordingId + "/file", as("audrey"), null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(played("audrey")).as("a HEAD request plays nothing").isEqualTo(before + 1);
    }

    @Test
    void givenRanges_whenFetched_thenPartialContentAndOnlyAPlayFromTheStartIsRecorded() {
        long before = played("audrey");
        String path = "/api/recordings/" + recordingId + "/file";

        Answer head = get("audrey", path, Map.of("Range", "bytes=0-99"));
        Answer rest = get("audrey", path, Map.of("Range", "bytes=100-"));
        Answer tail = get("audrey", path, Map.of("Range", "bytes=-50"));

        assertThat(head.status()).isEqualTo(206);
        assertThat(head.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + bytes.length);
        assertThat(head.body()).isEqualTo(new String(bytes, 0, 100, StandardCharsets.UTF_8));
        assertThat(rest.status()).isEqualTo(206);
        assertThat(rest.body()).isEqualTo(new String(bytes, 100, bytes.length - 100, StandardCharsets.UTF_8));
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(new String(bytes, bytes.length - 50, 50, StandardCharsets.UTF_8));
        assertThat(played("audrey")).isEqualTo(before + 1);
        for (String range : List.of("bytes=" + bytes.length + "-", "bytes=abc", "items=0-1", "bytes=5-1",
                "bytes=0-1,".repeat(200) + "0-1", "bytes=99999999999999999999-")) {
            Answer refused = get("audrey", path, Map.of("Range", range));
            assertThat(refused.status()).as(range).isEqualTo(416);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.code()).isEqualTo("RANGE_NOT_SATISFIABLE");
            assertThat(refused.headers().firstValue("Content-Range")).hasValue("bytes */" + bytes.length);
        }
        assertThat(played("audrey")).isEqualTo(before + 1);
    }

    @Test
    void givenOtherRoles_whenTheyTouchRecordings_thenAdminsAndEmployeesForbiddenAnonymousUnauthenticatedNothingRecorded() {
        long before = played(null);
        List<String> paths = List.of("/api/recordings?sessionId=" + sessionId, "/api/recordings/" + recordingId,
                "/api/recordings/" + recordingId + "/file");
        for (String user : List.of("admin", "alice", "bob")) {
            for (String path : paths) {
                assertProblem(get(user, path, Map.of()), 403, "FORBIDDEN");
            }
            assertProblem(new WebClient(port).send("DELETE", "/api/recordings/" + recordingId, as(user), null, null),
                    403, "FORBIDDEN");
        }
        for (String path : paths) {
            assertProblem(new WebClient(port).send("GET", path, Map.of(), null, null), 401, "UNAUTHENTICATED");
            assertProblem(new WebClient(port).send("GET", path, Map.of("Authorization", WebClient.basic("audrey", "x")),
                    null, null), 401, "UNAUTHENTICATED");
        }
        assertProblem(new WebClient(port).send("DELETE", "/api/recordings/" + recordingId, Map.of(), null, null),
                401, "UNAUTHENTICATED");
        assertThat(played(null)).isEqualTo(before);
        assertThat(state(get("audrey", "/api/recordings/" + recordingId, Map.of()))).isEqualTo("STORED");
        for (String user : List.of("admin", "alice")) {
            assertThat(get(user, "/recordings.html?id=" + recordingId, Map.of()).status()).as(user).isEqualTo(403);
        }
        Answer anonymousPage = new WebClient(port).send("GET", "/recordings.html?id=" + recordingId, Map.of(), null, null);
        assertThat(anonymousPage.status()).isIn(302, 401);
        Answer page = get("audrey", "/recordings.html?id=" + recordingId, Map.of());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("/js/guacamole-common-js/all.min.js", "/js/recordings.js");
        assertThat(get("audrey", "/js/guacamole-common-js/all.min.js", Map.of()).body()).contains("SessionRecording");
    }

    @Test
    void givenHostileIds_whenRequested_thenProblemsNeverAFileOrAServerError() {
        assertProblem(get("audrey", "/api/recordings/" + UUID.randomUUID() + "/file", Map.of()), 404,
                "RECORDING_NOT_FOUND");
        assertProblem(get("audrey", "/api/recordings/" + UUID.randomUUID(), Map.of()), 404, "RECORDING_NOT_FOUND");
        for (String path : List.of("/api/recordings/..%2f..%2f..%2fetc%2fpasswd/file", "/api/recordings/../../etc/passwd",
                "/api/recordings/%2e%2e/%2e%2e/file", "/api/recordings/not-a-uuid/file", "/api/recordings/" + recordingId
                        + "%00/file", "/api/recordings/" + recordingId + "/..;/file", "/api/recordings/%E2%80%AE"
                        + recordingId + "/file", "/api/recordings/" + "a".repeat(5000) + "/file",
                "/api/recordings?sessionId=..%2f..%2fetc", "/api/recordings?sessionId=%07%0d%0a", "/api/recordings",
                "/api/recordings/" + sessionId + "-"
                        + recordingId + ".guac/file")) {
            Answer answer = get("audrey", path, Map.of());
            assertThat(answer.status()).as(path + " " + answer.body()).isBetween(400, 499);
            assertThat(answer.body()).as(path).doesNotContain("root:").doesNotContain("4.size");
        }
        Answer withQuery = get("audrey", "/api/recordings/" + recordingId + "/file?path=/etc/passwd", Map.of());
        assertThat(withQuery.status()).isIn(200, 400);
    }

    @Test
    void givenFiftyPlaysAtOnce_whenFetched_thenEachGetsTheFileAndEachIsRecorded() {
        long before = played("audrey");

        List<Answer> answers = Concurrently.run(50, () -> get("audrey", "/api/recordings/" + recordingId + "/file",
                Map.of()));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        });
        assertThat(played("audrey")).isEqualTo(before + 50);
        assertThat(get("audrey", "/api/recordings/" + recordingId, Map.of()).json().path("plays").asInt())
                .isGreaterThanOrEqualTo(50);
    }

    @Test
    void givenAnotherSite_whenItMakesTheBrowserPlayOrDelete_thenRefusedAndNothingRecorded() {
        long before = played(null);
        Map<String, String> evil = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site",
                "Authorization", WebClient.basic("audrey", "demo"));
        assertProblem(new WebClient(port).send("DELETE", "/api/recordings/" + recordingId, evil, null, null), 403,
                "FORBIDDEN");
        assertProblem(new WebClient(port).send("GET", "/api/recordings/" + recordingId + "/file",
                Map.of("Sec-Fetch-Site", "cross-site", "Authorization", WebClient.basic("audrey", "demo")), null, null),
                403, "FORBIDDEN");
        WebClient signedIn = new WebClient(port).signIn("audrey", "demo");
        assertThat(signedIn.send("DELETE", "/api/recordings/" + recordingId, Map.of(), null, null).status())
                .as("a session without the CSRF token").isEqualTo(403);
        assertProblem(signedIn.send("DELETE", "/api/recordings/" + recordingId, Map.of("X-XSRF-TOKEN",
                signedIn.csrfToken(), "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"), null, null),
                403, "FORBIDDEN");
        assertThat(played(null)).isEqualTo(before);
        assertThat(state(get("audrey", "/api/recordings/" + recordingId, Map.of()))).isEqualTo("STORED");
        assertThat(signedIn.send("GET", "/api/recordings/" + recordingId + "/file", Map.of("Sec-Fetch-Site",
                "same-origin"), null, null).status()).as("the auditor's own page").isEqualTo(200);
    }

    @Test
    void givenAnAuditor_whenDeleting_thenTheFileGoesTheEventStaysAndPlayingAnswersGone() {
        Path file = RECORDINGS.resolve(RecordingFiles.nameOf(sessionId, recordingId));
        assertThat(file).exists();

        Answer deleted = new WebClient(port).send("DELETE", "/api/recordings/" + recordingId, as("audrey"), null, null);
        Answer again = new WebClient(port).send("DELETE", "/api/recordings/" + recordingId, as("audrey"), null, null);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(204);
        assertThat(file).doesNotExist();
        JsonNode view = get("audrey", "/api/recordings/" + recordingId, Map.of()).json();
        assertThat(view.path("state").asText()).isEqualTo("DELETED");
        assertThat(view.path("deletedReason").asText()).isEqualTo("AUDITOR");
        assertThat(view.path("deletedBy").asText()).isEqualTo("audrey");
        assertThat(get("audrey", "/api/events?aggregateId=" + recordingId, Map.of()).json().findValuesAsText("type"))
                .containsExactly("RecordingStartedEvent", "RecordingStoredEvent", "RecordingDeletedEvent");
        assertProblem(get("audrey", "/api/recordings/" + recordingId + "/file", Map.of()), 410, "RECORDING_DELETED");
        assertProblem(new WebClient(port).send("DELETE", "/api/recordings/" + UUID.randomUUID(), as("audrey"), null,
                null), 404, "RECORDING_NOT_FOUND");
    }

    @Test
    void givenFiftyDeletesAtOnce_whenSent_thenEachAnswersNoContentAndOneDeletionIsRecorded() {
        List<Answer> answers = Concurrently.run(50, () -> new WebClient(port).send("DELETE",
                "/api/recordings/" + recordingId, as("audrey"), null, null));

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(204));
        assertThat(jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?")
                .params(recordingId.toString(), "%RecordingDeletedEvent").query(Long.class).single()).isEqualTo(1);
        assertThat(RECORDINGS.resolve(RecordingFiles.nameOf(sessionId, recordingId))).doesNotExist();
    }

    private long played(String auditor) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ? AND convert_from(payload, 'UTF8') LIKE ?")
                .param(RecordingPlayedEvent.class.getName())
                .param(auditor == null ? "%" : "%\"auditor\":\"" + auditor + "\"%").query(Long.class).single();
    }

    private long reads(String reader) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ? AND convert_from(payload, 'UTF8') LIKE ?")
                .param(AuditDataReadEvent.class.getName())
                .param(reader == null ? "%" : "%\"reader\":\"" + reader + "\"%").query(Long.class).single();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }
}
