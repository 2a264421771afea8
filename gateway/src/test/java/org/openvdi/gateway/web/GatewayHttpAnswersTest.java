package org.openvdi.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.openvdi.gateway.testsupport.GuacdDaemon;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every HTTP refusal of the gateway is problem+json, and its management endpoints want the management user. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "openvdi.gateway.broker-secret=unused",
        "openvdi.gateway.management-user=ops"})
@AutoConfigureObservability
class GatewayHttpAnswersTest {

    private static final String PASSWORD = "management-test-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void services(DynamicPropertyRegistry registry) {
        registry.add("openvdi.gateway.guacd-port", () -> GuacdDaemon.shared().port());
        registry.add("spring.kafka.bootstrap-servers", () -> "127.0.0.1:" + LocalPorts.closedPort());
        registry.add("openvdi.gateway.management-password-hash", () -> new BCryptPasswordEncoder(4).encode(PASSWORD));
    }

    @LocalServerPort
    int port;

    record Answer(int status, String contentType, String body, HttpResponse<String> response) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    Answer get(String path, String user, String password) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response);
    }

    /** GET {@code path} byte for byte over a plain socket, for paths that no URI class would let through. */
    Answer overSocket(String path) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = response.substring(0, response.indexOf("\r\n\r\n"));
            String body = response.substring(head.length() + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
            }
            String type = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(13).trim()).findFirst().orElse("");
            return new Answer(Integer.parseInt(head.substring(9, 12)), type, body, null);
        }
    }

    void assertProblem(Answer answer, int status, String code) throws IOException {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContainIgnoringCase("whitelabel").doesNotContainIgnoringCase("<html")
                .doesNotContain("Exception", "java.", "org.");
        assertThat(answer.json().path("status").asInt()).isEqualTo(status);
        assertThat(answer.json().path("code").asText()).isEqualTo(code);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:openvdi:problem:" + code.toLowerCase().replace('_', '-'));
    }

    @Test
    void givenPathsThatDoNotExist_whenABrowserAsks_thenProblemJsonAndNeverWhitelabel() throws Exception {
        Answer root = get("/", null, null);
        assertThat(root.status()).as("the root leads to the portal").isEqualTo(302);
        assertThat(root.response().headers().firstValue("Location")).isPresent();
        assertProblem(get("/index.html", null, null), 404, "NOT_FOUND");
        assertProblem(get("/connect/nope", null, null), 404, "NOT_FOUND");
        assertProblem(get("/error", null, null), 404, "NOT_FOUND");
    }

    @Test
    void givenPathsTheServerRefusesItself_whenSent_thenProblemJson() throws Exception {
        assertProblem(get("/connect/..%2f..%2fetc", null, null), 400, "BAD_REQUEST");
        assertProblem(overSocket("/connect/%zz"), 400, "BAD_REQUEST");
        assertProblem(overSocket("/connect/a\u0001b"), 400, "BAD_REQUEST");
        assertProblem(get("/connect/..;/x", null, null), 400, "BAD_REQUEST");
    }

    @Test
    void givenManagementEndpoints_whenAskedWithoutTheManagementUser_thenOnlyHealthAnswersAndOnlyItsStatus() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator"}) {
            Answer anonymous = get(path, null, null);
            assertProblem(anonymous, 401, "UNAUTHORIZED");
            assertThat(anonymous.response().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Basic"));
            assertProblem(get(path, "ops", "wrong"), 401, "UNAUTHORIZED");
            assertProblem(get(path, "admin", PASSWORD), 401, "UNAUTHORIZED");
        }
        Answer health = get("/actuator/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().has("components")).isFalse();
    }

    @Test
    void givenTheManagementUser_whenItScrapesAndChecks_thenPrometheusAndHealthDetailsAnswer() throws Exception {
        Answer prometheus = get("/actuator/prometheus", "ops", PASSWORD);
        assertThat(prometheus.status()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
        assertThat(get("/actuator/metrics", "ops", PASSWORD).status()).isEqualTo(200);
        Answer health = get("/actuator/health", "ops", PASSWORD);
        assertThat(health.body()).contains("\"guacd\":{\"status\":\"UP\"");
        assertThat(get("/actuator/health/readiness", "ops", PASSWORD).body()).contains("guacd");
    }
}
