package org.openvdi.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
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
        return jdbc.sql("SELECT count(*) FROM domainevententry").query(Long.class).single();
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
        assertRejected(admin.put("/api/pools/" + unknown, admin.write(Map.of("name", "p", "minSpare", 0, "maxSize", 1))),
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
