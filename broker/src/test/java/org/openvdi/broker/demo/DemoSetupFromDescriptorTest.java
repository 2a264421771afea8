package org.openvdi.broker.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.DemoBrokerTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code ./vdi up --desktop debian-xfce}: the demo registers its template from the shipped descriptor file
 * (read by the same reader as {@code POST /api/templates}), publishes the image with its manifest's checksum,
 * and sizes the pool as told. The host is libvirt's test driver, so no XFCE boots here (the slow check does).
 */
// its own configuration: its own broker and Kafka, closed after the class (DemoBrokerTest)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(properties = {
        "openvdi.demo.descriptor=../desktop-templates/debian-xfce/template.yaml",
        "openvdi.demo.image-sha256=" + DemoSetupFromDescriptorTest.DEMO_IMAGE_SHA256,
        "openvdi.demo.image-format=raw",
        "openvdi.demo.min-spare=1",
        "openvdi.demo.max-size=3"})
class DemoSetupFromDescriptorTest extends DemoBrokerTest {

    /** SHA-256 of the 1 MiB image {@link DemoBrokerTest#freshStorage} writes (zeros and an MBR boot signature). */
    static final String DEMO_IMAGE_SHA256 = "e35f60cdb04ae834629f908bf7c3817791155dba12f3dbc522731cb34535449d";

    @Test
    void givenTheXfceDescriptor_whenTheDemoStarts_thenItsTemplateHasTheDescriptorsMachineAndTheCheckedImage() {
        JsonNode template = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> named(as("admin").get("/api/templates").body(), "Debian XFCE desktop"),
                        t -> t != null && !t.path("versions").isEmpty());

        assertThat(template.path("vcpus").asInt()).isEqualTo(2);
        assertThat(template.path("memoryMiB").asInt()).isEqualTo(2048);
        JsonNode descriptor = template.path("descriptor");
        assertThat(descriptor.path("readiness").asText()).isEqualTo("GUEST_AGENT");
        assertThat(descriptor.path("guest").path("agent").asBoolean()).isTrue();
        assertThat(descriptor.path("hardware").path("diskGiB").asInt()).isEqualTo(8);
        assertThat(descriptor.path("userDisk").path("sizeGiB").asInt()).isEqualTo(2);
        assertThat(descriptor.path("network").path("network").asText()).isEqualTo("openvdi");
        JsonNode version = template.path("versions").get(0);
        assertThat(version.path("sha256").asText()).isEqualTo(DEMO_IMAGE_SHA256);
        assertThat(version.path("version").asInt()).isEqualTo(1);
    }

    @Test
    void givenTheXfceDescriptor_whenTheDemoStarts_thenAlicesPoolIsNamedAfterTheTemplateAndSizedAsTold() {
        JsonNode pool = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> named(as("alice").get("/api/pools").body(), "Demo desktops (Debian XFCE desktop)"),
                        p -> p != null);

        assertThat(pool.path("minSpare").asInt()).isEqualTo(1);
        assertThat(pool.path("maxSize").asInt()).isEqualTo(3);
        assertThat(pool.path("type").asText()).isEqualTo("FLOATING");
        assertThat(named(as("bob").get("/api/pools").body(), "Demo desktops (Debian XFCE desktop)")).isNotNull();
        assertThat(named(as("admin").get("/api/pools").body(), "Demo desktops")).as("no tiny pool").isNull();
    }

    @Test
    void theDemoImagesChecksumIsTheOneOfTheImageTheTestsWrite() throws Exception {
        byte[] image = new byte[1 << 20];
        image[510] = 0x55;
        image[511] = (byte) 0xaa;
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image)))
                .isEqualTo(DEMO_IMAGE_SHA256);
    }

    private static JsonNode named(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> n.path("name").asText().equals(name))
                .findFirst().orElse(null);
    }
}
