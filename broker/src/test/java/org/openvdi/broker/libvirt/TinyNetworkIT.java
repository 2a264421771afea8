package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Network;
import org.openvdi.broker.AppProcess;
import org.openvdi.broker.Virsh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiny desktop image on the host's network: booted on qemu:///system (software emulation) with a virtio
 * NIC on the isolated libvirt network {@code openvdi} that scripts/host-setup.sh creates, it takes a DHCP lease
 * from libvirt's dnsmasq, read back through libvirt for the domain's MAC, and prints that address on its
 * console. The domain XML is this test's own (it tests the image and the network, not the broker's domains);
 * the domain is transient and destroyed at the end.
 */
class TinyNetworkIT {

    private static final Logger log = LoggerFactory.getLogger(TinyNetworkIT.class);
    private static final String URI = "qemu:///system";
    private static final String NETWORK = "openvdi";
    private static final Duration LEASE = Duration.ofSeconds(150);

    private final String name = "openvdi-it-net-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/it/" + name).toAbsolutePath();
    private Connect libvirt;
    private Domain domain;

    @AfterEach
    void destroyDomain() throws Exception {
        if (domain != null) {
            domain.destroy();
        }
        Files.deleteIfExists(work.resolve("disk.img"));   // the serial log stays for a look after a failure
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void givenTinyImageWithANicOnTheOpenvdiNetwork_whenBooted_thenItTakesADhcpLeaseAndShowsTheAddress() throws Exception {
        assumeTrue(Virsh.reachable(), "libvirtd is not reachable at " + URI);
        libvirt = new Connect(URI);
        Network network = libvirt.networkLookupByName(NETWORK);   // fails when host setup has not created it
        assertThat(network.isActive()).as("network " + NETWORK + " is active (scripts/host-setup.sh starts it)").isEqualTo(1);
        assertThat(network.getXMLDesc(0)).as("the demo network is isolated").doesNotContain("<forward");

        Files.createDirectories(work);
        Path disk = Files.copy(AppProcess.tinyImage(), work.resolve("disk.img"));
        Path serial = work.resolve("serial.log");
        String mac = randomMac();
        long started = System.nanoTime();
        domain = libvirt.domainCreateXML(domainXml(disk, serial, mac), 0);

        await().atMost(LEASE).pollInterval(Duration.ofMillis(500)).until(() -> lease(mac).isPresent());
        Lease lease = lease(mac).orElseThrow();
        log.info("{} ({}) got {} from {} after {} ms", name, mac, lease.address(), NETWORK,
                (System.nanoTime() - started) / 1_000_000);

        assertThat(lease.address()).startsWith(networkPrefix(network));
        assertThat(lease.hostname()).isEqualTo("openvdi-tiny");
        // the console (here its serial copy) shows the address the guest configured
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> Files.exists(serial) && Files.readString(serial, StandardCharsets.ISO_8859_1)
                        .contains("network  : eth0 " + lease.address() + "/"));
    }

    private record Lease(String address, String hostname) {
    }

    /** The lease libvirt's dnsmasq gave the MAC, as libvirt reports it. */
    private static Optional<Lease> lease(String mac) {
        Virsh.Result leases = Virsh.run("net-dhcp-leases", NETWORK, "--mac", mac);
        Pattern row = Pattern.compile(Pattern.quote(mac) + "\\s+ipv4\\s+([0-9.]+)/\\d+\\s+(\\S+)");
        for (String line : leases.lines()) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                return Optional.of(new Lease(m.group(1), m.group(2)));
            }
        }
        return Optional.empty();
    }

    /** "192.168.213." for a network whose host address is 192.168.213.1 on a /24. */
    private static String networkPrefix(Network network) throws Exception {
        Matcher m = Pattern.compile("<ip address='(\\d+\\.\\d+\\.\\d+\\.)\\d+'").matcher(network.getXMLDesc(0));
        assertThat(m.find()).as("the network has an IPv4 address").isTrue();
        return m.group(1);
    }

    private static String randomMac() {
        byte[] bytes = new byte[3];
        new SecureRandom().nextBytes(bytes);
        return "52:54:00:" + HexFormat.ofDelimiter(":").formatHex(bytes);
    }

    private String domainXml(Path disk, Path serial, String mac) {
        return """
                <domain type='qemu'>
                  <name>%s</name>
                  <memory unit='MiB'>128</memory>
                  <vcpu>1</vcpu>
                  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
                  <features><acpi/></features>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='raw'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                    <interface type='network'>
                      <mac address='%s'/>
                      <source network='%s'/>
                      <model type='virtio'/>
                    </interface>
                    <serial type='file'><source path='%s'/><target port='0'/></serial>
                    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
                    <video><model type='vga'/></video>
                  </devices>
                </domain>
                """.formatted(name, disk, mac, NETWORK, serial);
    }
}
