package org.openvdi.broker.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Publishing through the API on a real broker: only disk images are accepted, and an image must be the one its
 * manifest describes. Every refusal is problem+json and stores nothing.
 */
@BrokerTest
class ImagePublishApiTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    ApiClient admin;
    String template;
    Path images;

    @BeforeEach
    void template() throws IOException {
        admin = new ApiClient(port, "admin", "demo");
        var answer = admin.post("/api/templates", admin.write(Map.of("name", "images-" + UUID.randomUUID(), "vcpus", 1,
                "memoryMiB", 256)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        template = answer.json().get("id").asText();
        images = Files.createDirectories(Path.of("target/test-images/publish-" + UUID.randomUUID()).toAbsolutePath());
    }

    @Test
    void givenFilesThatAreNoSelfContainedDiskImage_whenPublished_thenImageInvalidAndNothingStored() throws IOException {
        Path text = Files.writeString(images.resolve("notes.img"), "just some text\n".repeat(100));
        Path small = Files.write(images.resolve("small.img"), Arrays.copyOf("tiny\n".repeat(20).getBytes(StandardCharsets.US_ASCII), 83));
        Path unsigned = Files.write(images.resolve("unsigned.raw"), new byte[64 * 1024]);
        Path backed = Files.write(images.resolve("backed.qcow2"), qcow2(512, "/etc/shadow"));
        Path truncated = Files.write(images.resolve("truncated.qcow2"), Arrays.copyOf(qcow2(0, ""), 40));
        long before = events();

        for (Path image : new Path[] {text, small, unsigned, backed, truncated}) {
            var answer = publish(image, null, null);
            assertThat(answer.status()).as(image + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.code()).isEqualTo("IMAGE_INVALID");
        }
        assertThat(publish(backed, null, null).json().get("detail").asText()).contains("backing file");
        assertThat(events()).isEqualTo(before);
        assertThat(admin.get("/api/templates/" + template).json().get("versions")).isEmpty();
    }

    @Test
    void givenRawMbrImageAndQcow2_whenPublished_thenTheyBecomeVersionsWithTheirFormat() throws IOException {
        Path raw = TestImages.image("publish-raw-" + UUID.randomUUID() + ".img");
        Path qcow2 = Files.write(images.resolve("disk.qcow2"), qcow2(0, ""));

        var first = publish(raw, sha256(raw), "raw");
        var second = publish(qcow2, null, null);

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("format").asText()).isEqualTo("raw");
        assertThat(first.json().get("sha256").asText()).isEqualTo(sha256(raw));
        assertThat(second.status()).as(second.body()).isEqualTo(201);
        assertThat(second.json().get("format").asText()).isEqualTo("qcow2");
    }

    @Test
    void givenManifestChecksumOrFormatThatDoesNotMatch_whenPublished_thenRefusedAndNothingStored() throws IOException {
        Path raw = TestImages.image("publish-sum-" + UUID.randomUUID() + ".img");
        long before = events();

        var mismatch = publish(raw, "0".repeat(64), null);
        var wrongFormat = publish(raw, sha256(raw), "qcow2");
        var malformed = publish(raw, "not-a-checksum", null);

        assertThat(mismatch.status()).as(mismatch.body()).isEqualTo(409);
        assertThat(mismatch.contentType()).startsWith("application/problem+json");
        assertThat(mismatch.code()).isEqualTo("IMAGE_CHECKSUM_MISMATCH");
        assertThat(wrongFormat.status()).isEqualTo(400);
        assertThat(wrongFormat.code()).isEqualTo("IMAGE_INVALID");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(events()).isEqualTo(before);
        // the same request with the right checksum, in upper case as some tools print it, is accepted
        assertThat(publish(raw, sha256(raw).toUpperCase(), "raw").status()).isEqualTo(201);
    }

    private ApiClient.Answer publish(Path image, String sha256, String format) {
        Map<String, Object> body = new HashMap<>(Map.of("imagePath", image.toString()));
        if (sha256 != null) {
            body.put("sha256", sha256);
        }
        if (format != null) {
            body.put("format", format);
        }
        return admin.post("/api/templates/" + template + "/versions", admin.write(body));
    }

    /** The template's events (other tests' pools and processes write events of their own meanwhile). */
    private long events() {
        return jdbc.sql("SELECT count(*) FROM domainevententry WHERE aggregateidentifier = ?").param(template)
                .query(Long.class).single();
    }

    /** A qcow2 version 3 header; with {@code backingOffset} > 0 it names {@code backingFile} stored there. */
    private static byte[] qcow2(int backingOffset, String backingFile) {
        byte[] name = backingFile.getBytes(StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(1024);
        header.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(3);
        header.putLong(8, backingOffset).putInt(16, backingOffset == 0 ? 0 : name.length);
        header.putInt(20, 16).putLong(24, 1L << 30).putInt(96, 4).putInt(100, 104);
        if (backingOffset > 0) {
            header.put(backingOffset, name);
        }
        return header.array();
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
