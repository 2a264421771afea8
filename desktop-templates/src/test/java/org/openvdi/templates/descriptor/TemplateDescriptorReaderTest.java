package org.openvdi.templates.descriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openvdi.templates.xml.ImageFormat;
import org.openvdi.templates.xml.Resolution;
import org.openvdi.templates.xml.VideoModel;

class TemplateDescriptorReaderTest {

    private static final String FILE = "demo/template.yaml";
    private static final String FULL = """
            name: Debian desktop
            hardware: {vcpus: 2, memoryMiB: 2048, diskGiB: 20}
            boot:
              kernel: /var/lib/openvdi/images/vmlinuz
              initrd: /var/lib/openvdi/images/initrd.img
              cmdline: root=/dev/vda1 console=tty0
            display: {protocol: vnc, video: VIRTIO, resolution: {width: 1280, height: 800}}
            network: {bridge: br0}
            guest: {os: Debian 12, agent: true}
            readiness: GUEST_AGENT
            userDisk: {sizeGiB: 8}
            """;

    private final TemplateDescriptorReader reader = new TemplateDescriptorReader();

    @Test
    void givenTheTinyTemplate_whenRead_thenItBootsItsRawDiskOnTheDefaultNetworkReadyWhenItsAgentAnswers() throws Exception {
        TemplateDescriptor tiny = reader.read(Path.of("tiny/template.yaml"));

        assertThat(tiny.name()).isEqualTo("Tiny desktop");
        assertThat(tiny.hardware()).isEqualTo(new Hardware(1, 256, null));
        assertThat(tiny.boot().disk()).isEqualTo(new DiskBoot("tiny-desktop.img", ImageFormat.RAW));
        assertThat(tiny.network()).isEqualTo(new Network(Network.DEFAULT_NETWORK, null));
        assertThat(tiny.display()).isEqualTo(Display.DEFAULT);
        assertThat(tiny.guest().agent()).isTrue();
        assertThat(tiny.readiness()).isEqualTo(Readiness.GUEST_AGENT);
        assertThat(tiny.userDisk()).isEqualTo(new UserDisk(1));
    }

    @Test
    void givenEverySection_whenRead_thenEachValueIsKept() {
        TemplateDescriptor d = yaml(FULL);

        assertThat(d.hardware()).isEqualTo(new Hardware(2, 2048, 20));
        assertThat(d.boot().kernel()).isEqualTo(new KernelBoot("/var/lib/openvdi/images/vmlinuz",
                "/var/lib/openvdi/images/initrd.img", "root=/dev/vda1 console=tty0"));
        assertThat(d.display()).isEqualTo(new Display(DisplayProtocol.VNC, VideoModel.VIRTIO, new Resolution(1280, 800)));
        assertThat(d.network().bridged()).isTrue();
        assertThat(d.network().sourceName()).isEqualTo("br0");
        assertThat(d.guest()).isEqualTo(new Guest("Debian 12", true));
        assertThat(d.readiness()).isEqualTo(Readiness.GUEST_AGENT);
        assertThat(d.userDisk()).isEqualTo(new UserDisk(8));
    }

    @Test
    void givenTheShortForm_whenRead_thenItBecomesADiskBootDescriptorOnTheDefaultNetwork() {
        TemplateDescriptor d = reader.readJson("request body",
                "{\"name\":\"<b>x</b> & y\",\"vcpus\":1,\"memoryMiB\":256}".getBytes(StandardCharsets.UTF_8));

        assertThat(d).isEqualTo(TemplateDescriptor.shortForm("<b>x</b> & y", 1, 256));
        assertThat(d.network().network()).isEqualTo("openvdi");
        assertThat(d.boot().disk()).isNotNull();
    }

    static Stream<Arguments> badDescriptors() {
        String base = "name: d\nhardware: {vcpus: 1, memoryMiB: 256}\nboot: {disk: {}}\n";
        return Stream.of(
                Arguments.of(base + "colour: blue\n", "colour", "unknown key; allowed at the top: name, hardware"),
                Arguments.of(base.replace("memoryMiB", "memoryMB"), "hardware.memoryMB", "unknown key; allowed in hardware"),
                Arguments.of(base + "\"<x>\": 1\n", "?", "unknown key"),
                Arguments.of(base.replace("vcpus: 1", "vcpus: '1'"), "hardware.vcpus", "must be an integer from 1 to 64"),
                Arguments.of(base.replace("vcpus: 1", "vcpus: 1.5"), "hardware.vcpus", "must be an integer from 1 to 64"),
                Arguments.of(base.replace("vcpus: 1", "vcpus: 65"), "hardware.vcpus", "must be from 1 to 64"),
                Arguments.of(base.replace("vcpus: 1", "vcpus: 99999999999"), "hardware.vcpus", "must be from 1 to 64"),
                Arguments.of(base.replace("memoryMiB: 256", "memoryMiB: 8"), "hardware.memoryMiB", "must be from 64 to 1048576"),
                Arguments.of(base.replace(", memoryMiB: 256", ""), "hardware.memoryMiB", "is required"),
                Arguments.of(base.replace("boot: {disk: {}}\n", ""), "boot", "is required"),
                Arguments.of(base.replace("boot: {disk: {}}", "boot: {}"), "boot", "name exactly one of disk"),
                Arguments.of(base.replace("boot: {disk: {}}", "boot: {disk: {}, kernel: /k}"), "boot", "exactly one"),
                Arguments.of(base.replace("boot: {disk: {}}", "boot: {kernel: vmlinuz}"), "boot.kernel", "absolute path"),
                Arguments.of(base.replace("boot: {disk: {}}", "boot: {kernel: /a/../etc/shadow}"), "boot.kernel", "without '..'"),
                Arguments.of(base.replace("boot: {disk: {}}", "boot: {disk: {}, cmdline: quiet}"), "boot.cmdline", "only allowed with boot.kernel"),
                Arguments.of(base.replace("{disk: {}}", "{disk: {image: ../x.img}}"), "boot.disk.image", "must be a file name"),
                Arguments.of(base.replace("{disk: {}}", "{disk: {format: vmdk}}"), "boot.disk.format", "one of raw, qcow2"),
                Arguments.of(base + "display: {protocol: SPICE}\n", "display.protocol", "must be one of VNC"),
                Arguments.of(base + "display: {resolution: {width: 99999, height: 800}}\n", "display.resolution.width", "from 320 to 7680"),
                Arguments.of(base + "network: {network: a, bridge: b}\n", "network", "exactly one of network"),
                Arguments.of(base + "network: {network: \"a b'/><x\"}\n", "network.network", "1-64 letters"),
                Arguments.of(base + "network: {bridge: averyveryverylongbridge}\n", "network.bridge", "1-15"),
                Arguments.of(base + "guest: {agent: \"true\"}\n", "guest.agent", "true or false"),
                Arguments.of(base + "guest: {agent: 1}\n", "guest.agent", "true or false"),
                Arguments.of(base + "guest: {os: 12}\n", "guest.os", "must be text"),
                Arguments.of(base + "readiness: GUEST_AGENT\n", "readiness", "needs guest.agent: true"),
                Arguments.of(base + "readiness: SOON\n", "readiness", "one of DISPLAY, GUEST_AGENT"),
                Arguments.of(base + "userDisk: {sizeGiB: 0}\n", "userDisk.sizeGiB", "from 1 to 16384"),
                Arguments.of(base + "userDisk: 5\n", "userDisk", "must be a mapping"),
                Arguments.of(base.replace("name: d", "name: \"a\\u202Eb\""), "name", "without control, format"),
                Arguments.of(base.replace("name: d", "name: \"a\\nb\""), "name", "on one line"),
                Arguments.of(base.replace("name: d", "name: " + "x".repeat(101)), "name", "1-100 characters"),
                Arguments.of(base + "hardware: {vcpus: 2, memoryMiB: 256}\n", "(document)", "no duplicate keys"),
                Arguments.of("- a\n- b\n", "(document)", "must be a mapping"),
                Arguments.of(base + "guest: !!binary aGVsbG8=\n", "guest", "tags (!...) are not allowed"),
                Arguments.of(base + "guest: &g {agent: true}\nreadiness: *g\n", "guest", "anchors and aliases"),
                Arguments.of(base.replace("name: d", "name: &n d"), "name", "anchors and aliases"),
                Arguments.of(base + "guest: {os: &o Debian}\n", "guest.os", "anchors and aliases"),
                Arguments.of(base + "guest: {os: [&o x]}\n", "guest.os.[0]", "anchors and aliases"),
                Arguments.of(base + "guest: {os: !!str Debian}\n", "guest.os", "tags (!...) are not allowed"),
                Arguments.of(base + "x: [[[[[[[[[[[[1]]]]]]]]]]]]\n", "(document)", "nesting depth at most 8"));
    }

    @ParameterizedTest
    @MethodSource("badDescriptors")
    void givenABadDescriptor_whenRead_thenTheMessageNamesFileKeyAndRule(String document, String key, String rule) {
        DescriptorException refused = catchThrowableOfType(DescriptorException.class, () -> yaml(document));

        assertThat(refused).as(document).isNotNull();
        assertThat(refused.source()).isEqualTo(FILE);
        assertThat(refused.key()).isEqualTo(key);
        assertThat(refused.rule()).contains(rule);
        assertThat(refused.getMessage()).startsWith(FILE + ": " + key + ": ").doesNotContain("<x>", "shadow", "99999");
    }

    @Test
    void givenAnAliasBomb_whenRead_thenRefusedBeforeAnythingExpands() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char level = 'b'; level <= 'i'; level++) {
            bomb.append(level).append(": &").append(level).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(9, "*" + (char) (level - 1)))).append("]\n");
        }
        DescriptorException refused = catchThrowableOfType(DescriptorException.class, () -> yaml(bomb.toString()));

        assertThat(refused.key()).isEqualTo("a");
        assertThat(refused.rule()).contains("anchors and aliases");
    }

    @Test
    void givenAHugeOrEmptyDocument_whenRead_thenRefusedWithTheLimit() {
        byte[] huge = ("name: " + "x".repeat(TemplateDescriptorReader.MAX_BYTES)).getBytes(StandardCharsets.UTF_8);

        DescriptorException tooLarge = catchThrowableOfType(DescriptorException.class, () -> reader.readYaml(FILE, huge));
        DescriptorException empty = catchThrowableOfType(DescriptorException.class, () -> reader.readYaml(FILE, new byte[0]));

        assertThat(tooLarge.getMessage()).isEqualTo(FILE + ": (document): is larger than 65536 bytes");
        assertThat(empty.rule()).contains("is empty");
    }

    @Test
    void givenSloppyJson_whenRead_thenRefused() {
        for (String body : new String[] {"{\"name\":\"a\",\"vcpus\":1,\"memoryMiB\":256} x",
                "{\"name\":\"a\",\"name\":\"b\",\"vcpus\":1,\"memoryMiB\":256}",
                "{\"name\":\"a\",\"vcpus\":null,\"memoryMiB\":256}",
                "{\"name\":\"a\",\"vcpus\":true,\"memoryMiB\":256}",
                "{\"name\":[\"a\"],\"vcpus\":1,\"memoryMiB\":256}"}) {
            assertThat(catchThrowableOfType(DescriptorException.class,
                    () -> reader.readJson("request body", body.getBytes(StandardCharsets.UTF_8)))).as(body).isNotNull();
        }
    }

    private TemplateDescriptor yaml(String document) {
        return reader.readYaml(FILE, document.getBytes(StandardCharsets.UTF_8));
    }
}
