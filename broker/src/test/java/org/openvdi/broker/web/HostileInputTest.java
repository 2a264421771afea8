package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.RequestEvents;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** Bad and hostile input gets a 4xx problem+json and writes no event; metacharacters are stored as typed. */
@BrokerTest
class HostileInputTest {

    static final String HOSTILE = "<b>'x'</b> & y; ../../etc/passwd $(rm -rf /)";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    ApiClient admin;

    @BeforeEach
    void client() {
        admin = new ApiClient(port, "admin", "demo");
    }

    long events() {
        return RequestEvents.count(jdbc);
    }

    void assertRejected(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(answer.code()).isEqualTo(code);
        }
    }

    String template() throws IOException {
        String id = admin.post("/api/templates", admin.write(Map.of("name", "t-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        admin.post("/api/templates/" + id + "/versions", admin.write(Map.of("imagePath",
                TestImages.image("hostile.img").toString())));
        return id;
    }

    @Test
    void givenBadRequests_whenSent_thenEachGets4xxProblemAndNoEventIsWritten() throws IOException {
        String template = template();
        long before = events();
        String unknown = UUID.randomUUID().toString();

        assertRejected(admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", unknown, "type", "FLOATING",
                "minSpare", 0, "maxSize", 1))), 404, "TEMPLATE_NOT_FOUND");
        assertRejected(admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", template, "type", "FLOATING",
                "minSpare", -1, "maxSize", 1))), 400, "VALIDATION_FAILED");
        assertRejected(admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", template, "type", "FLOATING",
                "minSpare", 5, "maxSize", 2))), 400, "POOL_SIZE_INVALID");
        assertRejected(admin.post("/api/hosts", admin.write(Map.of("name", "h", "uri", "test:///default", "virtType", "qemu",
                "maxDesktops", -3))), 400, "VALIDATION_FAILED");
        assertRejected(admin.post("/api/hosts", admin.write(Map.of("name", "h", "uri", "file:///etc/passwd", "virtType", "qemu",
                "maxDesktops", 3))), 400, "HOST_URI_NOT_ALLOWED");
        assertRejected(admin.post("/api/hosts", admin.write(Map.of("name", "h", "uri", "test:///default", "virtType", "xen",
                "maxDesktops", 3))), 400, "VALIDATION_FAILED");
        assertRejected(admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", "/etc/passwd"))), 400, "IMAGE_PATH_NOT_ALLOWED");
        assertRejected(admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", "target/test-images/../../pom.xml"))), 400, "IMAGE_PATH_NOT_ALLOWED");
        assertRejected(admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", "target/test-images/missing.img"))), 400, "IMAGE_UNREADABLE");
        assertRejected(admin.post("/api/templates/" + unknown + "/versions",
                admin.write(Map.of("imagePath", "target/test-images/hostile.img"))), 404, "TEMPLATE_NOT_FOUND");
        assertRejected(admin.post("/api/pools", "{\"name\": \"p\", \"templateId\": "), 400, "VALIDATION_FAILED");
        assertRejected(admin.post("/api/pools", "[1,2,3]"), 400, "VALIDATION_FAILED");
        assertRejected(admin.post("/api/pools", admin.write(Map.of("name", "p", "templateId", template, "type", "FLOATING",
                "minSpare", 0, "maxSize", 1, "evil", true))), 400, "VALIDATION_FAILED");
        byte[] huge = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertRejected(admin.post("/api/hosts", huge), 413, null);
        assertRejected(admin.get("/api/pools/not-a-uuid"), 400, null);
        assertRejected(admin.get("/api/pools/" + unknown), 404, "POOL_NOT_FOUND");
        assertRejected(admin.put("/api/pools/" + unknown, admin.write(Map.of("name", "p", "powerPolicy", "KEEP_RUNNING",
                "minSpare", 0, "maxSize", 1, "entitledUsers", List.of(), "entitledGroups", List.of()))),
                404, "POOL_NOT_FOUND");
        assertRejected(admin.get("/api/sessions/" + unknown), 404, "SESSION_NOT_FOUND");
        assertRejected(new ApiClient(port, "alice", "demo").post("/api/sessions", "{\"poolId\":\"" + unknown + "\"}"),
                404, "POOL_NOT_FOUND");
        assertRejected(new ApiClient(port, null, null).get("/api/pools"), 401, "UNAUTHENTICATED");
        assertRejected(new ApiClient(port, "admin", "wrong").get("/api/pools"), 401, "UNAUTHENTICATED");
        assertRejected(admin.post("/api/templates", admin.write(Map.of("name", "bad\u0000name", "vcpus", 1,
                "memoryMiB", 256))), 400, "VALIDATION_FAILED");

        assertThat(events()).isEqualTo(before);
    }

    /** A rejection as problem+json with our own type and code, that neither echoes input nor names Java classes. */
    void assertProblem(Answer answer, int status, String code) {
        assertRejected(answer, status, code);
        assertThat(answer.json()).as(answer.body()).isNotNull();
        assertThat(answer.json().path("status").asInt()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().path("type").asText()).as(answer.body())
                .isEqualTo("urn:openvdi:problem:" + code.toLowerCase().replace('_', '-'));
        assertThat(answer.body()).doesNotContainIgnoringCase("<html").doesNotContain("Exception", "java.", "org.");
    }

    /** One request exactly as given: raw path, headers and body (chunked when {@code chunked}). */
    Answer raw(String method, String path, String contentType, String accept, byte[] body, boolean chunked) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, publisher)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:demo".getBytes(StandardCharsets.UTF_8)));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            String type = response.headers().firstValue("Content-Type").orElse("");
            return new Answer(response.statusCode(), type, response.body(),
                    type.contains("json") && !response.body().isEmpty() ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()) : null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Events that registering, creating, reconfiguring or cordoning writes (not the ones processes write meanwhile). */
    long writes() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype ~ "
                + "'(HostRegistered|HostCordoned|TemplateRegistered|PoolCreated|PoolReconfigured|EntitlementGranted)Event$'")
                .query(Long.class).single();
    }

    /** GET {@code path} byte for byte over a plain socket, for paths that no URI class would let through. */
    Answer overSocket(String path) {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
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
            return new Answer(Integer.parseInt(head.substring(9, 12)), type, body,
                    type.contains("json") ? new com.fasterxml.jackson.databind.ObjectMapper().readTree(body) : null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    long eventsOf(String aggregateId) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(aggregateId)
                .query(Long.class).single();
    }

    boolean anyNamed(String path, String name) {
        for (var item : admin.get(path).json()) {
            if (item.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void givenDemandHoursOutOfRange_whenAsked_thenValidationFailed() {
        assertProblem(admin.get("/api/audit/demand?hours=0"), 400, "VALIDATION_FAILED");
        assertProblem(admin.get("/api/audit/demand?hours=1000000"), 400, "VALIDATION_FAILED");
        assertProblem(admin.get("/api/audit/demand?hours=" + (24 * 31 + 1)), 400, "VALIDATION_FAILED");
        assertThat(admin.get("/api/audit/demand?hours=2").status()).isEqualTo(200);
    }

    @Test
    void givenNullElementsInEntitlements_whenPoolCreatedOrReconfigured_thenTheFieldIsNamedAndNothingStored() throws IOException {
        String template = template();
        String name = "nulls-" + UUID.randomUUID();
        long before = writes();
        for (String lists : List.of("\"entitledUsers\":[null]", "\"entitledGroups\":[\"engineering\",null]")) {
            Answer created = admin.post("/api/pools", "{\"name\":\"" + name + "\",\"templateId\":\"" + template
                    + "\",\"type\":\"FLOATING\",\"minSpare\":0,\"maxSize\":1," + lists + "}");
            assertProblem(created, 400, "VALIDATION_FAILED");
            assertThat(created.body()).contains(lists.substring(1, lists.indexOf('"', 1)));
        }
        assertThat(writes()).isEqualTo(before);
        assertThat(anyNamed("/api/pools", name)).isFalse();

        String pool = admin.post("/api/pools", admin.write(Map.of("name", name, "templateId", template, "type", "FLOATING",
                "minSpare", 0, "maxSize", 1, "entitledUsers", List.of("alice")))).json().get("id").asText();
        long poolEvents = eventsOf(pool);
        Answer reconfigured = admin.put("/api/pools/" + pool,
                "{\"name\":\"" + name + "\",\"minSpare\":0,\"maxSize\":1,\"entitledUsers\":[\"bob\",null]}");
        assertProblem(reconfigured, 400, "VALIDATION_FAILED");
        assertThat(reconfigured.body()).contains("entitledUsers");
        assertThat(eventsOf(pool)).isEqualTo(poolEvents);
    }

    @Test
    void givenPathsTomcatRefusesItself_whenSent_thenProblemJsonAndNeverAnHtmlPage() {
        for (String path : List.of("/api/sessions/..%2f..%2fetc", "/api/sessions/..%5c..%5cetc")) {
            assertProblem(raw("GET", path, null, "text/html", null, false), 400, "VALIDATION_FAILED");
        }
        for (String path : List.of("/api/pools/%zz", "/api/sessions/..%2f..%2fetc", "/api/pools/a\u0001b")) {
            assertProblem(overSocket(path), 400, "VALIDATION_FAILED");
        }
        assertProblem(raw("GET", "/error", null, "text/html", null, false), 404, "NOT_FOUND");
        assertProblem(raw("GET", "/no-such-page", null, "text/html", null, false), 404, "NOT_FOUND");
    }

    @Test
    void givenAnOversizedBody_whenSentWithOrWithoutItsLength_then413PayloadTooLargeThroughout() {
        byte[] declared = new byte[1024 * 1024];
        java.util.Arrays.fill(declared, (byte) 'a');
        Answer withLength = raw("POST", "/api/hosts", "application/json", null, declared, false);
        assertProblem(withLength, 413, "PAYLOAD_TOO_LARGE");

        String json = "{\"name\":\"" + "a".repeat(300 * 1024) + "\",\"uri\":\"test:///default\"}";
        Answer chunked = raw("POST", "/api/hosts", "application/json", null, json.getBytes(StandardCharsets.UTF_8), true);
        assertProblem(chunked, 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void givenSpringsOwnRefusals_whenTriggered_thenEachCarriesOurTypeAndCodeWithoutEchoingInput() {
        Answer badId = admin.get("/api/hosts/not-a-uuid");
        assertProblem(badId, 400, "VALIDATION_FAILED");
        assertThat(badId.json().path("detail").asText()).contains("id").doesNotContain("not-a-uuid");
        assertProblem(admin.get("/api/events"), 400, "VALIDATION_FAILED");
        assertProblem(admin.get("/api/desktops?includeDestroyed=maybe"), 400, "VALIDATION_FAILED");
        assertProblem(admin.get("/api/no-such-thing"), 404, "NOT_FOUND");
        assertProblem(admin.delete("/api/hosts"), 405, "METHOD_NOT_ALLOWED");
        assertProblem(raw("GET", "/api/hosts", null, "application/xml", null, false), 406, "NOT_ACCEPTABLE");
        assertProblem(raw("POST", "/api/hosts", "text/plain", null, "x".getBytes(StandardCharsets.UTF_8), false),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(raw("POST", "/api/hosts", "application/xml", null, "<x/>".getBytes(StandardCharsets.UTF_8), false),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(raw("POST", "/api/templates/" + UUID.randomUUID() + "/versions/99999999999/retire", null, null,
                null, false), 400, "VALIDATION_FAILED");
    }

    @Test
    void givenSloppyJson_whenSent_thenRefusedAndNothingStored() {
        String name = "strict-" + UUID.randomUUID();
        String good = "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":256}";
        long before = writes();
        for (String body : List.of(good + " garbage", good + "{}", good + "]",
                "{\"name\":\"" + name + "\",\"name\":\"other\",\"vcpus\":1,\"memoryMiB\":256}",
                "{\"name\":\"" + name + "\",\"vcpus\":1.5,\"memoryMiB\":256}",
                "{\"name\":\"" + name + "\",\"vcpus\":\"2\",\"memoryMiB\":256}",
                "{\"name\":\"" + name + "\",\"vcpus\":null,\"memoryMiB\":256}",
                "{\"name\":\"" + name + "\",\"vcpus\":true,\"memoryMiB\":256}",
                "{\"name\":\"" + name + "\",\"vcpus\":99999999999999999999,\"memoryMiB\":256}",
                "{\"name\":12345,\"vcpus\":1,\"memoryMiB\":256}",
                "{\"name\":[\"" + name + "\"],\"vcpus\":1,\"memoryMiB\":256}")) {
            Answer answer = admin.post("/api/templates", body);
            assertProblem(answer, 400, "VALIDATION_FAILED");
            assertThat(answer.body()).doesNotContain("garbage", "99999999999999999999");
        }
        assertThat(writes()).isEqualTo(before);
        assertThat(anyNamed("/api/templates", name)).isFalse();
        assertThat(admin.post("/api/templates", good).status()).isEqualTo(201);
    }

    @Test
    void givenInvisibleOrReorderingCharacters_whenUsedInFreeText_thenRefusedAndNothingStored() throws IOException {
        String template = template();
        String host = admin.post("/api/hosts", admin.write(Map.of("name", "plain-" + UUID.randomUUID(),
                "uri", "test:///default", "virtType", "qemu", "maxDesktops", 1))).json().get("id").asText();
        long before = writes();
        List<String> evil = List.of("\\u202E", "\\u202A", "\\u2066", "\\u2069", "\\u200E", "\\u200F", "\\u061C",
                "\\u200B", "\\u200C", "\\u200D", "\\u2060", "\\uFEFF", "\\u0085", "\\u009B", "\\u007F", "\\ud800", "\\udc00");
        for (String escape : evil) {
            // sent as a JSON escape, so that a lone surrogate arrives as the server decodes it
            String name = "evil-" + UUID.randomUUID().toString().substring(0, 8) + escape + "x";
            assertProblem(admin.post("/api/hosts", "{\"name\":\"" + name + "\",\"uri\":\"test:///default\","
                    + "\"virtType\":\"qemu\",\"maxDesktops\":1}"), 400, "VALIDATION_FAILED");
            assertProblem(admin.post("/api/templates", "{\"name\":\"" + name + "\",\"vcpus\":1,\"memoryMiB\":256}"),
                    400, "VALIDATION_FAILED");
            assertProblem(admin.post("/api/pools", "{\"name\":\"" + name + "\",\"templateId\":\"" + template
                    + "\",\"type\":\"FLOATING\",\"minSpare\":0,\"maxSize\":1}"), 400, "VALIDATION_FAILED");
            assertProblem(admin.post("/api/hosts/" + host + "/cordon", "{\"reason\":\"" + name + "\"}"),
                    400, "VALIDATION_FAILED");
            // a host URI is plain ASCII by the host URI policy
            assertProblem(admin.post("/api/hosts", "{\"name\":\"h\",\"uri\":\"test:///default" + escape
                    + "\",\"virtType\":\"qemu\",\"maxDesktops\":1}"), 400, "HOST_URI_NOT_ALLOWED");
        }
        assertThat(writes()).isEqualTo(before);
        for (String path : List.of("/api/hosts", "/api/templates", "/api/pools")) {
            assertThat(admin.get(path).json()).noneMatch(item -> item.path("name").asText().startsWith("evil-"));
        }
        assertThat(admin.get("/api/hosts/" + host).json().path("cordoned").asBoolean()).isFalse();
        // ordinary text in other scripts, with emoji and accents, is still welcome
        String world = "Ünïcode 桌面 \uD83D\uDE00 עברית";
        Answer fine = admin.post("/api/templates", admin.write(Map.of("name", world, "vcpus", 1, "memoryMiB", 256)));
        assertThat(fine.status()).as(fine.body()).isEqualTo(201);
        assertThat(fine.json().path("name").asText()).isEqualTo(world);
    }

    @Test
    void givenAnInvalidEnumValue_whenRefused_thenTheFieldIsNamedButTheInputIsNotEchoed() throws IOException {
        String template = template();
        Answer answer = admin.post("/api/pools", "{\"name\":\"p\",\"templateId\":\"" + template
                + "\",\"type\":\"<script>alert(1)</script>\",\"minSpare\":0,\"maxSize\":1}");
        assertProblem(answer, 400, "VALIDATION_FAILED");
        assertThat(answer.json().path("detail").asText()).contains("type").doesNotContain("<script>", "alert", "PoolType");
    }

    @Test
    void givenDuplicateName_whenCreated_thenConflictAndNoEvent() throws IOException {
        String name = "dup-" + UUID.randomUUID();
        assertThat(admin.post("/api/templates", admin.write(Map.of("name", name, "vcpus", 1, "memoryMiB", 256))).status())
                .isEqualTo(201);
        long before = events();
        assertRejected(admin.post("/api/templates", admin.write(Map.of("name", name, "vcpus", 1, "memoryMiB", 256))),
                409, "NAME_TAKEN");
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenMetacharacterNames_whenStoredAndProvisioned_thenShownAsTypedAndEscapedInDomainXml() throws Exception {
        var host = admin.post("/api/hosts", admin.write(Map.of("name", HOSTILE, "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 2)));
        assertThat(host.status()).as(host.body()).isEqualTo(201);
        assertThat(host.json().get("name").asText()).isEqualTo(HOSTILE);
        var template = admin.post("/api/templates", admin.write(Map.of("name", HOSTILE, "vcpus", 1, "memoryMiB", 256)));
        assertThat(template.json().get("name").asText()).isEqualTo(HOSTILE);
        String templateId = template.json().get("id").asText();
        admin.post("/api/templates/" + templateId + "/versions", admin.write(Map.of("imagePath",
                TestImages.image("meta.img").toString())));
        var pool = admin.post("/api/pools", admin.write(Map.of("name", HOSTILE, "templateId", templateId,
                "type", "FLOATING", "minSpare", 1, "maxSize", 1)));
        assertThat(pool.json().get("name").asText()).isEqualTo(HOSTILE);
        String poolId = pool.json().get("id").asText();
        assertThat(admin.get("/api/pools/" + poolId).json().get("name").asText()).isEqualTo(HOSTILE);

        await().atMost(Duration.ofSeconds(30)).until(() ->
                admin.get("/api/desktops?poolId=" + poolId).json().path(0).path("state").asText().equals("READY"));
        String desktopId = admin.get("/api/desktops?poolId=" + poolId).json().get(0).get("id").asText();

        // the test driver's state is shared within this JVM: read the domain the broker defined
        Connect libvirt = new Connect("test:///default");
        try {
            String xml = libvirt.domainLookupByName("vdi-" + desktopId).getXMLDesc(0);
            Document dom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
            assertThat(dom.getElementsByTagName("title").item(0).getTextContent()).isEqualTo(HOSTILE + " v1");
            assertThat(dom.getElementsByTagName("name").item(0).getTextContent()).isEqualTo("vdi-" + desktopId);
            assertThat(dom.getElementsByTagName("source").item(0).getAttributes().getNamedItem("file").getNodeValue())
                    .endsWith("vdi-" + desktopId + ".qcow2").doesNotContain("..");
        } finally {
            libvirt.close();
        }
    }
}
