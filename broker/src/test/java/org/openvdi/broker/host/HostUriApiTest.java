package org.openvdi.broker.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openvdi.broker.AdminScenario;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ApiClient.Answer;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * POST /api/hosts with URIs that would have libvirt run programs, reach sockets or read files: refused
 * with HOST_URI_NOT_ALLOWED before any event; only admins get that far. A test-driver file inside the
 * allowed directory that libvirt cannot parse takes its host down with a reason that does not quote it.
 * Image paths through a linked directory are refused as well.
 */
@BrokerTest
@TestPropertySource(properties = {"openvdi.reconcile.interval=300", "openvdi.reconcile.failures-before-down=2"})
class HostUriApiTest {

    private static final Path WORK = Path.of("target", "it", "host-uris-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();
    private static final Path TEST_HOSTS = WORK.resolve("test-hosts");
    private static final String SECRET_LINE = "root:$6$SECRET-HASH-4711:19000:0:99999:7:::";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    AdminScenario scenario;
    ApiClient admin;

    @DynamicPropertySource
    static void testHostDirectory(DynamicPropertyRegistry registry) {
        try {
            Files.createDirectories(TEST_HOSTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("openvdi.host-uris.test-driver-directory", TEST_HOSTS::toString);
    }

    @BeforeEach
    void clients() {
        scenario = new AdminScenario(port);
        admin = scenario.admin();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "qemu+ssh://127.0.0.1/system?command=/any/program",
            "qemu+ssh://127.0.0.1/system?netcat=/tmp/nc",
            "qemu:///system?socket=/any/path",
            "test:///etc/shadow",
            "test:///etc/passwd.xml",
            "qemu+tcp://127.0.0.1:16509/system",
            "qemu:///session",
            "file:///etc/passwd",
            "qemu+ssh://kvm-1/system?command%3D/bin/sh",
            "qemu+ssh://kvm-1/system#x",
            "qemu+ssh://kvm-1/system?no_tty=1&no_tty=1",
            "qemu+ssh://a@b@kvm-1/system",
            "qemu+ssh://-oProxyCommand=sh/system",
            "qemu+ssh://kvm-1/system;reboot",
            "qemu+ssh://kvm-1/system?no_tty=$(id)",
            "qemu+ssh://kvm-1\u202e/system",
            "qemu+ssh://kvm-1/system\u0000",
            "qemu+ssh://kvm-1/system\r\nX-Injected: 1"})
    void givenHostileUri_whenAdminRegistersIt_thenHostUriNotAllowedAndNoEvent(String uri) {
        long before = stored(HostRegisteredEvent.class);

        Answer answer = register(admin, uri);

        assertProblem(answer, 400, "HOST_URI_NOT_ALLOWED");
        assertThat(answer.body()).doesNotContain("/any/program", "\u202e", "X-Injected");
        assertThat(stored(HostRegisteredEvent.class)).isEqualTo(before);
    }

    @Test
    void givenOversizedOrTraversingUri_whenRegistered_thenHostUriNotAllowed() throws IOException {
        String unique = UUID.randomUUID().toString();
        Path outside = Files.createDirectories(WORK.resolve("outside-" + unique));
        Files.writeString(outside.resolve("secret.xml"), SECRET_LINE);
        Path linkedFile = Files.createSymbolicLink(TEST_HOSTS.resolve("linked-" + unique + ".xml"), outside.resolve("secret.xml"));
        Path linkedDirectory = Files.createSymbolicLink(TEST_HOSTS.resolve("linked-dir-" + unique), outside);

        assertProblem(register(admin, "qemu+ssh://" + "a".repeat(5000) + "/system"), 400, "HOST_URI_NOT_ALLOWED");
        assertProblem(register(admin, "test://" + TEST_HOSTS + "/../" + outside.getFileName() + "/secret.xml"), 400,
                "HOST_URI_NOT_ALLOWED");
        assertProblem(register(admin, "test://" + linkedFile), 400, "HOST_URI_NOT_ALLOWED");
        assertProblem(register(admin, "test://" + linkedDirectory.resolve("secret.xml")), 400, "HOST_URI_NOT_ALLOWED");
        assertProblem(register(admin, "test://" + outside.resolve("secret.xml")), 400, "HOST_URI_NOT_ALLOWED");
    }

    @Test
    void givenEachRole_whenRegisteringHosts_thenOnlyAdminsMayAndOthersLearnNothingAboutTheUri() {
        long before = stored(HostRegisteredEvent.class);
        for (String uri : List.of("test:///default", "qemu:///system?socket=/any/path")) {
            assertProblem(register(new ApiClient(port, "alice", "demo"), uri), 403, "FORBIDDEN");
            assertProblem(register(new ApiClient(port, "audrey", "demo"), uri), 403, "FORBIDDEN");
            // without credentials a POST fails the CSRF check, which answers 401 to whoever is not signed in
            Answer anonymous = register(new ApiClient(port, null, null), uri);
            assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(401);
            assertThat(anonymous.contentType()).startsWith("application/problem+json");
            assertThat(anonymous.code()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(stored(HostRegisteredEvent.class)).isEqualTo(before);
        assertThat(register(admin, "test:///default").status()).isEqualTo(201);
        assertProblem(register(admin, "qemu:///system?socket=/any/path"), 400, "HOST_URI_NOT_ALLOWED");
    }

    @Test
    void givenUrisOperatorsUse_whenAdminRegistersThem_thenCreated() throws IOException {
        Path hostFile = TEST_HOSTS.resolve("good-" + UUID.randomUUID() + ".xml");
        Files.writeString(hostFile, "<node><cpu><nodes>1</nodes></cpu></node>");

        for (String uri : List.of("test:///default", "qemu+ssh://openvdi@127.0.0.1:1/system?no_tty=1",
                "qemu+tls://127.0.0.1:1/system", "test://" + hostFile)) {
            Answer answer = register(admin, uri);
            assertThat(answer.status()).as(uri + " " + answer.body()).isEqualTo(201);
            assertThat(answer.json().get("uri").asText()).isEqualTo(uri);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "0", "0x0", "127.1", "256.1.1.1", "-oProxy", "kvm1..lab", "g::1"})
    void givenWildcardOrMalformedDisplayAddress_whenAdminRegistersAHost_thenValidationFailedOnThatFieldAndNoEvent(
            String displayAddress) {
        long before = stored(HostRegisteredEvent.class);

        Answer answer = registerShowingAt(displayAddress);

        assertProblem(answer, 400, "VALIDATION_FAILED");
        assertThat(answer.body()).contains("displayAddress");
        assertThat(stored(HostRegisteredEvent.class)).isEqualTo(before);
    }

    @Test
    void givenAnAddressOfTheHost_whenAdminRegistersAHostWithIt_thenItIsTheHostsDisplayAddress() {
        for (String displayAddress : List.of("127.0.0.2", "kvm1.display.example.com", "fd00::11")) {
            Answer answer = registerShowingAt(displayAddress);

            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(answer.json().get("displayAddress").asText()).isEqualTo(displayAddress);
        }
    }

    @Test
    void givenTestDriverFileThatQuotesASecret_whenItsHostIsChecked_thenItGoesDownWithACleanReason() throws IOException {
        Path malformed = TEST_HOSTS.resolve("malformed-" + UUID.randomUUID() + ".xml");
        Files.writeString(malformed, SECRET_LINE + "\n\u202e\u0007more\n");

        String host = scenario.host("malformed-" + UUID.randomUUID(), "test://" + malformed, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> scenario.hostView(host).get("state").asText().equals("DOWN"));
        String reason = scenario.hostView(host).get("stateReason").asText();
        List<JsonNode> down = scenario.events(host, "HostWentDownEvent");
        assertThat(down).hasSize(1);
        String eventReason = down.get(0).path("payload").path("reason").asText();
        assertThat(List.of(reason, eventReason)).allSatisfy(text -> assertThat(text)
                .doesNotContain("SECRET", "root:", "19000", "\u202e", "\u0007", "\n", malformed.getFileName().toString())
                .hasSizeLessThanOrEqualTo(200)
                .contains("connecting to libvirt failed", "VIR_ERR_"));
    }

    @Test
    void givenLinkedDirectoryInsideTheImageDirectory_whenPublishedThrough_thenImagePathNotAllowed() throws IOException {
        Path outside = Files.createDirectories(WORK.resolve("outside-images"));
        Files.write(outside.resolve("disk.img"), new byte[4096]);
        Path images = TestImages.image("anchor.img").getParent();
        Path link = Files.createSymbolicLink(images.resolve("linked-" + UUID.randomUUID()), outside);
        String template = admin.post("/api/templates", admin.write(Map.of("name", "t-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256))).json().get("id").asText();
        long before = stored(TemplateVersionPublishedEvent.class);

        assertProblem(admin.post("/api/templates/" + template + "/versions",
                admin.write(Map.of("imagePath", link.resolve("disk.img").toString()))), 400, "IMAGE_PATH_NOT_ALLOWED");
        assertProblem(admin.post("/api/templates/" + template + "/versions", admin.write(Map.of("imagePath",
                Path.of("target/test-images").resolve(link.getFileName()).resolve("disk.img").toString()))),
                400, "IMAGE_PATH_NOT_ALLOWED");
        assertThat(stored(TemplateVersionPublishedEvent.class)).isEqualTo(before);
    }

    private Answer registerShowingAt(String displayAddress) {
        return admin.post("/api/hosts", admin.write(Map.of("name", "display-" + UUID.randomUUID(), "uri", "test:///default",
                "virtType", "qemu", "maxDesktops", 1, "displayAddress", displayAddress)));
    }

    private Answer register(ApiClient client, String uri) {
        return client.post("/api/hosts", client.write(Map.of("name", "h-" + UUID.randomUUID(), "uri", uri,
                "virtType", "qemu", "maxDesktops", 2)));
    }

    /** Events of one type so far: other test classes' processes may still record other events in this context. */
    private long stored(Class<?> type) {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE payloadtype = ?")
                .param(type.getName()).query(Long.class).single();
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).isEqualTo(code);
    }
}
