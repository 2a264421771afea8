package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.libvirt.Connect;
import org.openvdi.broker.hypervisor.AccelerationVerdict;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.HostFacts;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.templates.descriptor.Display;
import org.openvdi.templates.descriptor.Network;
import org.openvdi.templates.xml.LibvirtNames;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The adapter against libvirt's in-memory test driver: fast, needs no daemon. The driver's state is
 * shared by every test:///default connection of this JVM, so each test uses fresh desktop ids.
 */
class LibvirtHypervisorTest {

    private static final HostTarget HOST = new HostTarget("test-host", "test:///default", VirtType.AUTO, "openvdi", "127.0.0.1");

    @TempDir
    static Path tempDir;
    private static LibvirtHypervisor hypervisor;
    private static ImageSpec image;

    @BeforeAll
    static void createImageAndAdapter() throws Exception {
        image = writeImage(tempDir.resolve("tiny.raw"), 1 << 20, 42);
        hypervisor = new LibvirtHypervisor(new LibvirtSettings(tempDir, Duration.ofSeconds(15)));
    }

    @AfterAll
    static void closeAdapter() {
        hypervisor.close();
    }

    @Test
    void givenTestDriver_whenProbed_thenFactsAndTestVirtTypeAreReported() {
        HostFacts facts = hypervisor.probe(HOST);

        assertThat(facts.driver()).isEqualToIgnoringCase("test");
        assertThat(facts.cpus()).isPositive();
        assertThat(facts.memoryMiB()).isPositive();
        assertThat(facts.hostname()).isNotBlank();
        assertThat(facts.effectiveVirtType()).isEqualTo("test");
    }

    @Test
    void givenTestDriverOrAQemuHost_whenAskedWhetherDesktopsShowDisplays_thenOnlyTheQemuHostsDo() {
        assertThat(hypervisor.showsDisplays(HOST)).isFalse();
        assertThat(hypervisor.showsDisplays(new HostTarget("qemu-host", "qemu:///system", VirtType.KVM, "openvdi",
                "127.0.0.1"))).isTrue();
    }

    @Test
    void givenTestDriverHostOnAuto_whenAccelerationProbed_thenTestIsTheVerdictWithoutBootingAnything() {
        AccelerationVerdict verdict = hypervisor.probeAcceleration(HOST);

        assertThat(verdict.effectiveType()).isEqualTo(EffectiveVirtType.TEST);
        assertThat(verdict.reason()).contains("test driver");
        assertThat(verdict.millis()).isLessThan(1000);
    }

    @Test
    void givenTemplateNetworkOrBridge_whenDomainDefined_thenItsXmlHasAVirtioNicWithTheDesktopsMacThere() throws Exception {
        for (Network network : List.of(new Network("openvdi-test", null), new Network(null, "br-test0"))) {
            String id = UUID.randomUUID().toString();
            hypervisor.ensureImage(HOST, image);
            hypervisor.cloneVolume(HOST, id, image);
            hypervisor.defineDomain(HOST, new MachineSpec(id, "networked", 1, 256, "pw", image, network,
                    LibvirtNames.macAddress(id), false, null, Display.DEFAULT, null));

            Connect direct = new Connect("test:///default");
            try {
                Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(
                        new StringReader(direct.domainLookupByName(LibvirtNames.domainName(id)).getXMLDesc(0))));
                NodeList interfaces = xml.getElementsByTagName("interface");
                assertThat(interfaces.getLength()).as(network.toString()).isEqualTo(1);
                Element nic = (Element) interfaces.item(0);
                assertThat(nic.getAttribute("type")).isEqualTo(network.bridged() ? "bridge" : "network");
                Element source = (Element) nic.getElementsByTagName("source").item(0);
                assertThat(source.getAttribute(network.bridged() ? "bridge" : "network")).isEqualTo(network.sourceName());
                Element mac = (Element) nic.getElementsByTagName("mac").item(0);
                assertThat(mac.getAttribute("address")).isEqualTo(LibvirtNames.macAddress(id)).startsWith("52:54:00:");
                assertThat(((Element) nic.getElementsByTagName("model").item(0)).getAttribute("type")).isEqualTo("virtio");
            } finally {
                direct.close();
            }
            hypervisor.destroy(HOST, id);
        }
    }

    @Test
    void givenATemplateDiskLargerThanTheImage_whenCloned_thenTheClonesVirtualSizeIsTheTemplates() throws Exception {
        String larger = UUID.randomUUID().toString();
        String plain = UUID.randomUUID().toString();
        hypervisor.ensureImage(HOST, image);

        hypervisor.cloneVolume(HOST, larger, image.withDiskGiB(2));
        hypervisor.cloneVolume(HOST, larger, image.withDiskGiB(2));
        hypervisor.cloneVolume(HOST, plain, image.withDiskGiB(null));

        Connect direct = new Connect("test:///default");
        try {
            var pool = direct.storagePoolLookupByName(HostStoragePool.TEST_DRIVER_POOL);
            assertThat(pool.storageVolLookupByName(LibvirtNames.cloneVolumeName(larger)).getInfo().capacity)
                    .isEqualTo(2L << 30);
            assertThat(pool.storageVolLookupByName(LibvirtNames.cloneVolumeName(plain)).getInfo().capacity)
                    .isEqualTo(image.sizeBytes());
        } finally {
            direct.close();
        }
        hypervisor.destroy(HOST, larger);
        hypervisor.destroy(HOST, plain);
    }

    @Test
    void givenANegativeDiskSize_whenAnImageIsDescribed_thenItIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ImageSpec("/x", "0".repeat(64), "raw", 1, -1));
    }

    @Test
    void givenNewDesktop_whenEveryLifecycleStepRunsTwice_thenStateFollowsAndNothingBreaks() {
        String id = UUID.randomUUID().toString();
        MachineSpec machine = new MachineSpec(id, "Bob's <desktop> & 'friends'; $(rm -rf /)", 1, 256, "pw123456", image);

        twice(() -> hypervisor.ensureImage(HOST, image));
        twice(() -> hypervisor.cloneVolume(HOST, id, image));
        twice(() -> hypervisor.defineDomain(HOST, machine));
        assertThat(machineOf(id)).isEqualTo(new ManagedMachine(id, true, false, true));

        twice(() -> hypervisor.start(HOST, id));
        assertThat(machineOf(id)).isEqualTo(new ManagedMachine(id, true, true, true));

        twice(() -> hypervisor.powerOff(HOST, id));
        assertThat(machineOf(id)).isEqualTo(new ManagedMachine(id, true, false, true));

        hypervisor.start(HOST, id);
        twice(() -> hypervisor.destroy(HOST, id));
        assertThat(hypervisor.inventory(HOST)).extracting(ManagedMachine::desktopId).doesNotContain(id);
    }

    @Test
    void givenRunningDesktopOnTestDriver_whenDisplayRead_thenRetryableBecauseTheDriverAssignsNoPort() {
        String id = provisionAndStart();

        assertThatThrownBy(() -> hypervisor.display(HOST, id))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("no VNC port");

        hypervisor.destroy(HOST, id);
    }

    @Test
    void givenUnknownDesktop_whenDestroyedOrPoweredOff_thenNothingHappens() {
        String id = UUID.randomUUID().toString();

        hypervisor.destroy(HOST, id);
        hypervisor.powerOff(HOST, id);

        assertThat(hypervisor.inventory(HOST)).extracting(ManagedMachine::desktopId).doesNotContain(id);
    }

    @Test
    void givenDesktopWithoutDomain_whenStartedOrDisplayed_thenNonRetryableFailure() {
        String id = UUID.randomUUID().toString();

        assertThatThrownBy(() -> hypervisor.start(HOST, id))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isFalse());
        assertThatThrownBy(() -> hypervisor.defineDomain(HOST, new MachineSpec(id, "d", 1, 256, "pw", image)))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("clone it first");
    }

    @Test
    void givenImageNotMatchingItsChecksum_whenEnsured_thenNonRetryableFailure() throws Exception {
        ImageSpec real = writeImage(tempDir.resolve("other.raw"), 4096, 7);
        ImageSpec lying = new ImageSpec(real.sourcePath(), "0".repeat(64), "raw", real.sizeBytes());

        assertThatThrownBy(() -> hypervisor.ensureImage(HOST, lying))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("checksum");
    }

    @Test
    void givenInstalledImage_whenDeletedTwice_thenItIsGoneAndTheSecondDeleteIsANoOp() throws Exception {
        ImageSpec old = writeImage(tempDir.resolve("old-version.raw"), 8192, 1201);
        ImageSpec kept = writeImage(tempDir.resolve("kept-version.raw"), 8192, 1202);
        assertThat(hypervisor.hasImage(HOST, old)).isFalse();
        hypervisor.ensureImage(HOST, old);
        hypervisor.ensureImage(HOST, kept);
        assertThat(hypervisor.hasImage(HOST, old)).isTrue();

        hypervisor.deleteImage(HOST, old);
        hypervisor.deleteImage(HOST, old);

        assertThat(hypervisor.hasImage(HOST, old)).isFalse();
        assertThat(hypervisor.hasImage(HOST, kept)).as("only the image asked for goes").isTrue();
    }

    @Test
    void givenImageNeverInstalled_whenAskedForOrDeleted_thenNoneAndNothingChanges() throws Exception {
        ImageSpec never = writeImage(tempDir.resolve("never-installed.raw"), 8192, 1203);

        assertThat(hypervisor.hasImage(HOST, never)).isFalse();
        hypervisor.deleteImage(HOST, never);
        assertThat(hypervisor.hasImage(HOST, never)).isFalse();
    }

    @Test
    void givenIdsThatAreNotUuids_whenCalled_thenIllegalArgumentException() {
        for (String hostile : List.of("../../etc/passwd", "<script>", "$(rm -rf /)", "test", "vdi-1; reboot")) {
            assertThatIllegalArgumentException().isThrownBy(() -> hypervisor.destroy(HOST, hostile));
            assertThatIllegalArgumentException().isThrownBy(() -> hypervisor.start(HOST, hostile));
            assertThatIllegalArgumentException().isThrownBy(() -> hypervisor.cloneVolume(HOST, hostile, image));
        }
    }

    @Test
    void givenForeignDomainNamedLikeOurs_whenInventoried_thenItIsIgnored() throws Exception {
        String id = UUID.randomUUID().toString();
        Connect direct = new Connect("test:///default");
        direct.domainDefineXML("<domain type='test'><name>vdi-" + id + "</name><memory>65536</memory>"
                + "<os><type>hvm</type></os></domain>");

        List<ManagedMachine> machines = hypervisor.inventory(HOST);

        assertThat(machines).extracting(ManagedMachine::desktopId).doesNotContain(id);
        assertThat(machines).allSatisfy(machine -> assertThat(UUID.fromString(machine.desktopId())).isNotNull());
        direct.domainLookupByName("vdi-" + id).undefine();
        direct.close();
    }

    @Test
    void givenWatch_whenDesktopStartsStopsAndIsDestroyed_thenOurEventsArriveUntilClosed() throws Exception {
        String id = UUID.randomUUID().toString();
        BlockingQueue<MachineEvent> events = new LinkedBlockingQueue<>();
        AutoCloseable handle = hypervisor.watch(HOST, (hostId, desktopId, event) -> {
            if (id.equals(desktopId) && "test-host".equals(hostId)) {
                events.add(event);
            }
        });
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, id, image);
        hypervisor.defineDomain(HOST, new MachineSpec(id, "watched", 1, 256, "pw", image));

        hypervisor.start(HOST, id);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(MachineEvent.STARTED);
        hypervisor.powerOff(HOST, id);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(MachineEvent.STOPPED);
        hypervisor.destroy(HOST, id);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo(MachineEvent.UNDEFINED);

        handle.close();
        handle.close();
        String other = provisionAndStart();
        hypervisor.destroy(HOST, other);
        assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
    }

    private static String provisionAndStart() {
        String id = UUID.randomUUID().toString();
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, id, image);
        hypervisor.defineDomain(HOST, new MachineSpec(id, "desktop", 1, 256, "pw", image));
        hypervisor.start(HOST, id);
        return id;
    }

    private static ManagedMachine machineOf(String id) {
        return hypervisor.inventory(HOST).stream().filter(machine -> machine.desktopId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("desktop " + id + " not in inventory"));
    }

    private static void twice(Runnable step) {
        step.run();
        step.run();
    }

    static ImageSpec writeImage(Path file, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Files.write(file, bytes);
        return new ImageSpec(file.toString(), VolumeStreams.sha256(file), "raw", size);
    }

}
