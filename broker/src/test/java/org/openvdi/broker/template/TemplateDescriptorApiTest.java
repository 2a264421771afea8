package org.openvdi.broker.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.TestImages;
import org.openvdi.broker.testsupport.Concurrently;
import org.openvdi.broker.testsupport.WebClient;
import org.openvdi.broker.testsupport.WebClient.Answer;
import org.openvdi.broker.testsupport.RequestEvents;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code POST /api/templates} with a descriptor over HTTP: JSON and YAML are registered and shown back; every
 * hostile or invalid document is a 400 problem whose detail names the key (never the value) and stores nothing;
 * only admins register; one of many identical registrations wins.
 */
@BrokerTest
class TemplateDescriptorApiTest {

    static final String JSON = "application/json";
    static final String YAML = "application/yaml";
    static final String HOSTILE = "<b>'x'</b> & y; ../../etc/passwd $(rm -rf /) \"q\"";
    static final ObjectMapper MAPPER = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    WebClient web;
    Path kernel;
    Path initrd;

    @BeforeEach
    void clientAndBootFiles() throws IOException {
        web = new WebClient(port);
        kernel = TestImages.image("descriptor-vmlinuz");
        initrd = TestImages.image("descriptor-initrd.img");
    }

    Answer post(String user, String type, String body) {
        Map<String, String> headers = user == null ? Map.of() : Map.of("Authorization", WebClient.basic(user, "demo"));
        return web.send("POST", "/api/templates", headers, type, body);
    }

    Answer get(String path) {
        return web.send("GET", path, Map.of("Authorization", WebClient.basic("admin", "demo")), null, null);
    }

    long events() {
        return RequestEvents.count(jdbc);
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid disk-boot descriptor as a mutable tree, for cases that spoil one part of it. */
    static Map<String, Object> descriptor(String name) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("hardware", new LinkedHashMap<>(Map.of("vcpus", 2, "memoryMiB", 512, "diskGiB", 4)));
        d.put("boot", new LinkedHashMap<>(Map.of("disk", Map.of("image", "tiny-desktop.img", "format", "raw"))));
        d.put("display", new LinkedHashMap<>(Map.of("protocol", "VNC", "video", "VIRTIO",
                "resolution", Map.of("width", 1280, "height", 800))));
        d.put("network", Map.of("network", "openvdi"));
        d.put("guest", new LinkedHashMap<>(Map.of("os", "Debian 12", "agent", true)));
        d.put("readiness", "GUEST_AGENT");
        d.put("userDisk", Map.of("sizeGiB", 8));
        return d;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> section(Map<String, Object> descriptor, String key) {
        return (Map<String, Object>) descriptor.get(key);
    }

    Map<String, Object> kernelBoot(String kernelPath, String initrdPath, String cmdline) {
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("kernel", kernelPath);
        if (initrdPath != null) {
            boot.put("initrd", initrdPath);
        }
        if (cmdline != null) {
            boot.put("cmdline", cmdline);
        }
        return boot;
    }

    JsonNode created(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        JsonNode shown = get("/api/templates/" + answer.json().get("id").asText()).json();
        assertThat(shown.get("descriptor")).isEqualTo(answer.json().get("descriptor"));
        return shown;
    }

    /** 400 VALIDATION_FAILED (or {@code code}) whose detail names {@code key} and which left nothing behind. */
    void assertRefused(String name, Answer answer, String code, String key) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.code()).as(answer.body()).isEqualTo(code);
        assertThat(answer.json().path("detail").asText()).as(answer.body()).contains("request body".equals(key) ? key : key + ":");
        assertThat(templateNamed(name)).as(name).isFalse();
    }

    boolean templateNamed(String marker) {
        return get("/api/templates").body().contains(marker);
    }

    // --- accepted ---

    @Test
    void givenFullJsonDescriptor_whenAdminPostsIt_thenCreatedAndGetShowsTheDescriptor() {
        String name = "json-" + UUID.randomUUID();

        JsonNode shown = created(post("admin", JSON, json(descriptor(name))));

        assertThat(shown.get("name").asText()).isEqualTo(name);
        assertThat(shown.get("vcpus").asInt()).isEqualTo(2);
        assertThat(shown.get("memoryMiB").asInt()).isEqualTo(512);
        JsonNode d = shown.get("descriptor");
        assertThat(d.at("/hardware/diskGiB").asInt()).isEqualTo(4);
        assertThat(d.at("/boot/disk/image").asText()).isEqualTo("tiny-desktop.img");
        assertThat(d.at("/display/video").asText()).isEqualTo("VIRTIO");
        assertThat(d.at("/display/resolution/width").asInt()).isEqualTo(1280);
        assertThat(d.at("/network/network").asText()).isEqualTo("openvdi");
        assertThat(d.at("/guest/os").asText()).isEqualTo("Debian 12");
        assertThat(d.at("/guest/agent").asBoolean()).isTrue();
        assertThat(d.at("/readiness").asText()).isEqualTo("GUEST_AGENT");
        assertThat(d.at("/userDisk/sizeGiB").asInt()).isEqualTo(8);
    }

    @Test
    void givenYamlDescriptorWithKernelBootOnABridge_whenAdminPostsIt_thenCreatedWithLinkFreeBootPaths() throws IOException {
        String name = "yaml-" + UUID.randomUUID();
        String yaml = """
                # a comment is fine
                name: %s
                hardware: {vcpus: 1, memoryMiB: 128}
                boot:
                  kernel: %s
                  initrd: %s
                  cmdline: console=ttyS0 quiet
                network:
                  bridge: br0
                """.formatted(name, kernel, initrd);

        JsonNode d = created(post("admin", YAML + "; charset=utf-8", yaml)).get("descriptor");

        assertThat(d.at("/boot/kernel/path").asText()).isEqualTo(kernel.toRealPath().toString());
        assertThat(d.at("/boot/kernel/initrd").asText()).isEqualTo(initrd.toRealPath().toString());
        assertThat(d.at("/boot/kernel/cmdline").asText()).isEqualTo("console=ttyS0 quiet");
        assertThat(d.at("/network/bridge").asText()).isEqualTo("br0");
        assertThat(d.at("/readiness").asText()).isEqualTo("DISPLAY");
    }

    @Test
    void givenShortFormAsYaml_whenPosted_thenDiskBootOnTheDefaultNetwork() {
        String name = "short-" + UUID.randomUUID();

        JsonNode d = created(post("admin", YAML, "name: " + name + "\nvcpus: 1\nmemoryMiB: 256\n")).get("descriptor");

        assertThat(d.at("/network/network").asText()).isEqualTo("openvdi");
        assertThat(d.at("/boot/disk").isObject()).isTrue();
    }

    @Test
    void givenMetacharactersInNameOsAndCmdline_whenRegistered_thenStoredAndShownExactlyAsTyped() {
        String name = HOSTILE + " " + UUID.randomUUID();
        String os = "<os> & 'x' \"y\" ]]> %s {{7*7}}";
        String cmdline = "console=ttyS0 root=/dev/vda1 init=/bin/sh -c 'reboot'; $(id) `id` <x> & y";
        Map<String, Object> d = descriptor(name);
        d.put("boot", kernelBoot(kernel.toString(), null, cmdline));
        section(d, "guest").put("os", os);

        JsonNode shown = created(post("admin", JSON, json(d)));

        assertThat(shown.get("name").asText()).isEqualTo(name);
        assertThat(shown.at("/descriptor/name").asText()).isEqualTo(name);
        assertThat(shown.at("/descriptor/guest/os").asText()).isEqualTo(os);
        assertThat(shown.at("/descriptor/boot/kernel/cmdline").asText()).isEqualTo(cmdline);
    }

    // --- refused ---

    @Test
    void givenInvalidDescriptors_whenPosted_thenEach400NamesTheKeyAndNothingIsStored() {
        long before = events();
        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        String marker = "bad-" + UUID.randomUUID();

        Map<String, Object> unknownTop = descriptor(marker);
        unknownTop.put("evil", true);
        cases.put("evil", unknownTop);
        Map<String, Object> unknownNested = descriptor(marker);
        section(unknownNested, "hardware").put("gpu", 1);
        cases.put("hardware.gpu", unknownNested);
        Map<String, Object> unknownHostileKey = descriptor(marker);
        unknownHostileKey.put("<script>alert(1)</script>", 1);
        cases.put("?", unknownHostileKey);
        Map<String, Object> textVcpus = descriptor(marker);
        section(textVcpus, "hardware").put("vcpus", "2");
        cases.put("hardware.vcpus", textVcpus);
        Map<String, Object> fractionMemory = descriptor(marker);
        section(fractionMemory, "hardware").put("memoryMiB", 512.5);
        cases.put("hardware.memoryMiB", fractionMemory);
        Map<String, Object> numberName = descriptor(marker);
        numberName.put("name", 42);
        cases.put("name", numberName);
        Map<String, Object> tooManyVcpus = descriptor(marker);
        section(tooManyVcpus, "hardware").put("vcpus", 65);
        cases.put("hardware.vcpus ", tooManyVcpus);
        Map<String, Object> hugeMemory = descriptor(marker);
        section(hugeMemory, "hardware").put("memoryMiB", 99_999_999_999L);
        cases.put("hardware.memoryMiB ", hugeMemory);
        Map<String, Object> wideScreen = descriptor(marker);
        section(wideScreen, "display").put("resolution", Map.of("width", 100_000, "height", 800));
        cases.put("display.resolution.width", wideScreen);
        Map<String, Object> badVideo = descriptor(marker);
        section(badVideo, "display").put("video", "QXL");
        cases.put("display.video", badVideo);
        Map<String, Object> noBoot = descriptor(marker);
        noBoot.put("boot", Map.of());
        cases.put("boot", noBoot);
        Map<String, Object> bothBoots = descriptor(marker);
        bothBoots.put("boot", Map.of("disk", Map.of(), "kernel", kernel.toString()));
        cases.put("boot ", bothBoots);
        Map<String, Object> agentlessReadiness = descriptor(marker);
        section(agentlessReadiness, "guest").put("agent", false);
        cases.put("readiness", agentlessReadiness);
        Map<String, Object> bidiName = descriptor(marker + "\u202Egpj.exe");
        cases.put("name ", bidiName);
        Map<String, Object> zeroWidthOs = descriptor(marker);
        section(zeroWidthOs, "guest").put("os", "Debian\u200B 12");
        cases.put("guest.os", zeroWidthOs);
        Map<String, Object> bidiCmdline = descriptor(marker);
        bidiCmdline.put("boot", kernelBoot(kernel.toString(), null, "console=ttyS0 \u2066quiet\u2069"));
        cases.put("boot.cmdline", bidiCmdline);
        Map<String, Object> newlineName = descriptor(marker + "\ninjected");
        cases.put("name  ", newlineName);
        Map<String, Object> dotDotKernel = descriptor(marker);
        dotDotKernel.put("boot", kernelBoot(kernel.getParent() + "/../../pom.xml", null, null));
        cases.put("boot.kernel", dotDotKernel);
        Map<String, Object> relativeInitrd = descriptor(marker);
        relativeInitrd.put("boot", kernelBoot(kernel.toString(), "target/test-images/descriptor-initrd.img", null));
        cases.put("boot.initrd", relativeInitrd);

        cases.forEach((key, body) -> {
            Answer answer = post("admin", JSON, json(body));
            assertRefused(marker, answer, "VALIDATION_FAILED", key.strip());
            assertThat(answer.body()).doesNotContain("<script>", "\u202E", "\u200B", "injected", "pom.xml");
        });
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenHostileYaml_whenPosted_thenEach400NamesTheKeyOrTheDocumentAndNothingIsStored() {
        long before = events();
        String marker = "yaml-bad-" + UUID.randomUUID();
        String valid = "name: " + marker + "\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\n";
        StringBuilder bomb = new StringBuilder("lolA: &lolA [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char level = 'B'; level <= 'I'; level++) {
            char below = (char) (level - 1);
            bomb.append("lol").append(level).append(": &lol").append(level).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(9, "*lol" + below))).append("]\n");
        }
        bomb.append(valid);

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(bomb.toString(), "lolA");
        cases.put("name: &n " + marker + "\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\nguest: {os: *n}\n", "guest.os");
        cases.put("name: &n " + marker + "\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\n", "name");
        cases.put(valid + "guest: {os: &os Debian}\n", "guest.os");
        cases.put("name: !!binary aGVsbG8=\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\n# " + marker + "\n",
                "name");
        cases.put(valid + "guest: !!python/object:os.system {os: x}\n", "guest");
        cases.put(valid + "userDisk: !custom {sizeGiB: 1}\n", "userDisk");
        cases.put(valid + "hardware2: 1\n", "hardware2");
        cases.put(valid.replace("vcpus: 1", "vcpus: \"1\""), "hardware.vcpus");
        cases.put(valid.replace("vcpus: 1", "vcpus: 0"), "hardware.vcpus");
        cases.put(valid.replace("boot: {disk: {}}", "boot: {}"), "boot");
        cases.put(valid.replace("boot: {disk: {}}", "boot: {disk: {}, kernel: /etc/passwd}"), "boot");
        cases.put(valid + "name: twice\n", "request body");
        cases.put(valid + "---\nname: second\n", "request body");
        cases.put(valid + "#" + "x".repeat(70 * 1024) + "\n", "(document)");

        cases.forEach((yaml, key) -> assertRefused(marker, post("admin", YAML, yaml), "VALIDATION_FAILED", key));
        assertThat(events()).isEqualTo(before);
    }

    @Test
    void givenKernelOrInitrdOutsideTheImageDirectoriesOrThroughALinkedDirectory_whenPosted_thenImagePathNotAllowed()
            throws IOException {
        long before = events();
        String marker = "boot-" + UUID.randomUUID();
        Path linked = kernel.getParent().resolve("linked-" + UUID.randomUUID());
        Files.createSymbolicLink(linked, Path.of("/etc"));
        Path linkedKernel = kernel.getParent().resolve("linked-" + UUID.randomUUID() + ".vmlinuz");
        Files.createSymbolicLink(linkedKernel, kernel);

        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        cases.put("boot.kernel", kernelBoot("/etc/passwd", null, null));
        cases.put("boot.initrd", kernelBoot(kernel.toString(), "/etc/hostname", null));
        cases.put("boot.kernel ", kernelBoot(linked.resolve("passwd").toString(), null, null));
        cases.put("boot.kernel  ", kernelBoot(linkedKernel.toString(), null, null));
        cases.put("boot.initrd ", kernelBoot(kernel.toString(), linked.resolve("hostname").toString(), null));
        cases.put("boot.kernel   ", kernelBoot(kernel.getParent().toString(), null, null));

        cases.forEach((key, boot) -> {
            Map<String, Object> d = descriptor(marker);
            d.put("boot", boot);
            Answer answer = post("admin", JSON, json(d));
            assertRefused(marker, answer, "IMAGE_PATH_NOT_ALLOWED", key.strip());
            assertThat(answer.body()).doesNotContain("/etc");
        });
        Map<String, Object> missing = descriptor(marker);
        missing.put("boot", kernelBoot(kernel.getParent().resolve("no-such-vmlinuz").toString(), null, null));
        assertRefused(marker, post("admin", JSON, json(missing)), "IMAGE_UNREADABLE", "boot.kernel");
        assertThat(events()).isEqualTo(before);
    }

    // --- who may register ---

    @Test
    void givenEachRole_whenPostingADescriptor_thenOnlyTheAdminRegisters() {
        String name = "roles-" + UUID.randomUUID();
        String body = json(descriptor(name));

        for (String user : List.of("alice", "audrey")) {
            Answer refused = post(user, JSON, body);
            assertThat(refused.status()).as(user + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(post(user, YAML, "name: " + name + "\nvcpus: 1\nmemoryMiB: 128\n").status()).isEqualTo(403);
        }
        Answer anonymous = post(null, JSON, body);
        assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        assertThat(templateNamed(name)).isFalse();

        assertThat(post("admin", JSON, body).status()).isEqualTo(201);
        assertThat(templateNamed(name)).isTrue();
    }

    @Test
    void givenFiftyConcurrentIdenticalRegistrations_thenOneIsCreatedAndTheRestAreNameTaken() {
        String name = "race-descriptor-" + UUID.randomUUID();
        String yaml = "name: " + name + "\nhardware: {vcpus: 1, memoryMiB: 128}\nboot: {disk: {}}\nuserDisk: {sizeGiB: 2}\n";

        List<Answer> answers = Concurrently.run(50, () -> post("admin", YAML, yaml));

        Map<String, Long> outcomes = answers.stream().collect(Collectors.groupingBy(
                a -> a.status() == 409 ? "409 " + a.code() : String.valueOf(a.status()), Collectors.counting()));
        assertThat(outcomes).as(answers.stream().filter(a -> a.status() >= 500).map(Answer::body).findFirst().orElse(""))
                .isEqualTo(Map.of("201", 1L, "409 NAME_TAKEN", 49L));
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM domainevententry
                        WHERE payloadtype = ? AND convert_from(payload, 'UTF8')::jsonb ->> 'name' = ?""")
                .params(org.openvdi.broker.template.api.TemplateRegisteredEvent.class.getName(), name)
                .query(Long.class).single()).isEqualTo(1);
    }
}
