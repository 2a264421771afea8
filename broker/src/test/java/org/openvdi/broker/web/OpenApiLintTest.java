package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The OpenAPI document a running broker publishes: written to target/openapi/openapi.json and linted by Spectral
 * (installed in tools/spectral by ./vdi test's setup) with the repository's .spectral.yaml; any error fails. Also
 * checks what a linter cannot know: internal endpoints are left out, and operations carry the codes they answer.
 */
@BrokerTest
class OpenApiLintTest {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path SPECTRAL = ROOT.resolve("tools/spectral/node_modules/.bin/spectral");
    static final Path OUT = Path.of("target/openapi");

    @LocalServerPort
    int port;

    JsonNode document;

    @BeforeEach
    void fetchDocument() throws IOException {
        ApiClient.Answer answer = new ApiClient(port, null, null).get("/v3/api-docs");
        assertThat(answer.status()).isEqualTo(200);
        document = answer.json();
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve("openapi.json"),
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
    }

    @Test
    void givenThePublishedDocument_whenSpectralLintsIt_thenNoErrors() throws Exception {
        assertThat(SPECTRAL).as("Spectral is installed by ./vdi test's setup (tools/spectral: npm ci)").isExecutable();
        Path report = OUT.resolve("spectral.json");
        Files.deleteIfExists(report);
        Process lint = new ProcessBuilder(SPECTRAL.toString(), "lint", OUT.resolve("openapi.json").toString(),
                "--ruleset", ROOT.resolve(".spectral.yaml").toString(), "--format", "json", "--output", report.toString(),
                "--fail-severity", "error")
                .redirectErrorStream(true).redirectOutput(OUT.resolve("spectral.log").toFile()).start();
        assertThat(lint.waitFor(120, TimeUnit.SECONDS)).as("Spectral finished").isTrue();
        JsonNode findings = new ObjectMapper().readTree(report.toFile());
        List<String> errors = new ArrayList<>();
        for (JsonNode finding : findings) {
            if (finding.get("severity").asInt() == 0) {
                errors.add(finding.get("code").asText() + " at " + finding.get("path") + ": " + finding.get("message").asText());
            }
        }
        assertThat(errors).as("Spectral errors (target/openapi/spectral.json)").isEmpty();
        assertThat(lint.exitValue()).as(Files.readString(OUT.resolve("spectral.log"))).isZero();
    }

    @Test
    void givenTheDocument_thenItSaysWhatItIsAndHowToSignIn() {
        JsonNode info = document.get("info");
        assertThat(info.get("title").asText()).isEqualTo("OpenVDI broker API");
        assertThat(info.get("version").asText()).isNotBlank().doesNotContain("@");
        assertThat(info.get("description").asText()).contains("problem+json", "X-XSRF-TOKEN", "ovdi_");
        JsonNode schemes = document.at("/components/securitySchemes");
        assertThat(schemes.at("/basic/scheme").asText()).isEqualTo("basic");
        assertThat(schemes.at("/apiToken/scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.at("/apiToken/bearerFormat").asText()).startsWith("ovdi_");
        assertThat(schemes.at("/session/in").asText()).isEqualTo("cookie");
        assertThat(schemes.at("/csrf/name").asText()).isEqualTo("X-XSRF-TOKEN");
        assertThat(document.get("security").toString()).contains("basic", "apiToken", "session", "csrf");
    }

    @Test
    void givenTheDocument_thenInternalEndpointsAndPagesAreLeftOut() {
        List<String> paths = new ArrayList<>();
        document.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).isNotEmpty().allMatch(p -> p.startsWith("/api/"), "under /api/")
                .noneMatch(p -> p.startsWith("/api/admin/"))
                .contains("/api/pools", "/api/sessions", "/api/tokens", "/api/me");
        List<String> tags = new ArrayList<>();
        document.get("tags").forEach(tag -> tags.add(tag.get("name").asText()));
        assertThat(tags).doesNotHaveDuplicates().doesNotContain("Gateway", "Operations")
                .contains("Pools", "Sessions", "API tokens");
        List<String> operationIds = document.findValuesAsText("operationId");
        assertThat(operationIds).doesNotHaveDuplicates().contains("requestSession", "deletePool", "listHosts")
                .noneMatch(id -> id.contains("redeem") || id.contains("rebuild") || id.contains("_"));
    }

    @Test
    void givenRepresentativeOperations_thenTheyCarryTheirRealCodes() {
        assertThat(codes("/api/sessions", "post")).contains("202", "400", "401", "403", "404", "409", "410", "413", "429")
                .doesNotContain("200");
        assertThat(examples("/api/sessions", "post", "429")).contains("RATE_LIMITED");
        assertThat(examples("/api/sessions", "post", "409")).contains("POOL_DRAINING");
        assertThat(document.at("/paths/~1api~1sessions/post/responses/429/headers/Retry-After").isMissingNode()).isFalse();
        assertThat(codes("/api/pools/{id}", "delete")).contains("200", "202", "404", "409");
        assertThat(examples("/api/pools/{id}", "delete", "409")).contains("ROLLOUT_ACTIVE");
        assertThat(codes("/api/pools", "post")).contains("201", "413", "415").doesNotContain("200");
        assertThat(codes("/api/tokens", "post")).contains("201");
        assertThat(codes("/api/recordings/{id}", "delete")).contains("204");
        assertThat(document.at("/paths/~1api~1pools/post/responses/413/content/application~1problem+json/examples"
                + "/PAYLOAD_TOO_LARGE/value/status").asInt()).isEqualTo(413);
        // the 503s: a database away or a busy pool on every operation, a lost race on writes; each with Retry-After
        assertThat(examples("/api/pools", "get", "503")).containsExactlyInAnyOrder("DATABASE_UNAVAILABLE", "SERVICE_BUSY");
        assertThat(examples("/api/pools", "post", "503")).contains("BUSY", "DATABASE_UNAVAILABLE", "SERVICE_BUSY");
        assertThat(examples("/api/sessions", "post", "503")).contains("DATABASE_UNAVAILABLE", "SERVICE_BUSY", "BUSY");
        assertThat(document.at("/paths/~1api~1pools/get/responses/503/headers/Retry-After/description").asText())
                .contains("DATABASE_UNAVAILABLE 5", "SERVICE_BUSY 2");
        JsonNode away = document.at("/paths/~1api~1pools/get/responses/503/content/application~1problem+json/examples"
                + "/DATABASE_UNAVAILABLE/value");
        assertThat(away.get("status").asInt()).isEqualTo(503);
        assertThat(away.get("code").asText()).isEqualTo("DATABASE_UNAVAILABLE");
        assertThat(away.get("detail").asText()).contains("database cannot be reached");
        // no OpenID Connect issuer in this document: no provider to be unreachable
        assertThat(document.toString()).doesNotContain("IDENTITY_PROVIDER_UNREACHABLE");
    }

    private List<String> codes(String path, String method) {
        JsonNode responses = document.get("paths").get(path).get(method).get("responses");
        List<String> codes = new ArrayList<>();
        responses.fieldNames().forEachRemaining(codes::add);
        return codes;
    }

    private List<String> examples(String path, String method, String status) {
        JsonNode examples = document.get("paths").get(path).get(method).get("responses").get(status)
                .get("content").get("application/problem+json").get("examples");
        List<String> names = new ArrayList<>();
        examples.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
