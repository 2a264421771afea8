package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Security refusals are UTF-8 problem+json from one renderer; anonymous requests to the API get 401
 * (never a Basic challenge a browser would answer with a password prompt), signed-in ones 403; nothing
 * anonymous learns details, internal endpoints or exception messages.
 */
@BrokerTest
class SecurityAnswersTest {

    static final List<String> WRITES = List.of("POST /api/templates", "POST /api/hosts/%s/uncordon",
            "POST /api/templates/%s/versions/1/retire", "PUT /api/pools/%s", "DELETE /api/sessions/%s",
            "POST /api/sessions/%s/connect", "POST /api/admin/projections/rebuild");

    @LocalServerPort
    int port;

    void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json").doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(answer.code()).isEqualTo(code);
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.json().get("type").asText()).startsWith("urn:openvdi:problem:");
    }

    @Test
    void givenAnonymous_whenWritingOrReadingAnyApi_thenUnauthenticatedWithoutBasicChallenge() {
        WebClient anonymous = new WebClient(port);
        anonymous.send("GET", "/login", Map.of(), null, null);
        for (String write : WRITES) {
            String[] call = write.formatted(UUID.randomUUID()).split(" ");
            for (String type : new String[] {"application/json", null, "text/plain"}) {
                Answer answer = anonymous.send(call[0], call[1], Map.of(), type, type == null ? null : "{}");
                assertProblem(answer, 401, "UNAUTHENTICATED");
                assertThat(answer.headers().allValues("WWW-Authenticate")).as(write).isEmpty();
            }
        }
        for (String read : List.of("/api/pools", "/api/me", "/api/hosts", "/api/events", "/actuator/prometheus")) {
            Answer answer = anonymous.send("GET", read, Map.of("Accept", "text/html"), null, null);
            assertProblem(answer, 401, "UNAUTHENTICATED");
            assertThat(answer.headers().allValues("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void givenWrongOrUnknownCredentials_whenCalling_thenUnauthenticatedWithoutBasicChallenge() {
        WebClient client = new WebClient(port);
        for (String user : List.of("admin", "alice", "bob", "audrey", "nobody")) {
            Answer answer = client.send("GET", "/api/pools", Map.of("Authorization", WebClient.basic(user, "wrong")),
                    null, null);
            assertProblem(answer, 401, "UNAUTHENTICATED");
            assertThat(answer.headers().allValues("WWW-Authenticate")).isEmpty();
        }
    }

    @Test
    void givenEachRole_whenDoingWhatTheRoleMayNot_thenForbiddenProblemInUtf8() {
        WebClient client = new WebClient(port);
        for (String user : List.of("alice", "bob", "audrey")) {
            Answer answer = client.send("POST", "/api/templates", Map.of("Authorization", WebClient.basic(user, "demo")),
                    "application/json", "{\"name\":\"x\",\"vcpus\":1,\"memoryMiB\":256}");
            assertProblem(answer, 403, "FORBIDDEN");
        }
        Answer alice = client.send("GET", "/actuator/prometheus", Map.of("Authorization", WebClient.basic("alice", "demo")),
                null, null);
        assertProblem(alice, 403, "FORBIDDEN");
    }

    @Test
    void givenAnonymous_whenAskingForHealth_thenOnlyTheStatusAndAdminsSeeTheParts() {
        WebClient client = new WebClient(port);
        JsonNode anonymous = client.send("GET", "/actuator/health", Map.of(), null, null).json();
        assertThat(anonymous.get("status").asText()).isEqualTo("UP");
        assertThat(anonymous.has("components")).isFalse();
        assertThat(anonymous.has("details")).isFalse();
        for (String user : List.of("alice", "audrey")) {
            JsonNode other = client.send("GET", "/actuator/health", Map.of("Authorization", WebClient.basic(user, "demo")),
                    null, null).json();
            assertThat(other.has("components")).as(user).isFalse();
        }
        JsonNode admin = client.send("GET", "/actuator/health", Map.of("Authorization", WebClient.basic("admin", "demo")),
                null, null).json();
        assertThat(admin.at("/components/db/status").asText()).isEqualTo("UP");
    }

    @Test
    void givenAnyone_whenReadingTheApiDescription_thenTheGatewaysInternalEndpointIsNotInIt() {
        Answer docs = new WebClient(port).send("GET", "/v3/api-docs", Map.of(), null, null);
        assertThat(docs.json().get("paths").has("/api/pools")).isTrue();
        assertThat(docs.body()).doesNotContain("/internal/").doesNotContain("Redeem a connect");
    }

    @Test
    void givenRequestsThatFailOutsideTheControllers_whenAnswered_thenProblemJsonWithoutExceptionMessages() {
        WebClient client = new WebClient(port);
        Map<String, String> admin = Map.of("Authorization", WebClient.basic("admin", "demo"));
        for (String path : List.of("/api//pools", "/api/pools/%2e%2e/hosts", "/api/pools;x=1")) {
            Answer answer = client.send("GET", path, admin, null, null);
            assertThat(answer.status()).as(path).isBetween(400, 499);
            assertThat(answer.contentType()).as(path + " " + answer.body()).startsWith("application/problem+json");
            assertThat(answer.body()).doesNotContain("rejected").doesNotContain("malicious").doesNotContain("Exception")
                    .doesNotContain("\"message\"");
        }
        Answer error = client.send("GET", "/error", admin, null, null);
        assertThat(error.body()).doesNotContain("\"message\"").doesNotContain("Exception");
    }
}
