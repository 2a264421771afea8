package org.openvdi.broker.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StorageVol;
import org.openvdi.broker.hypervisor.DisplayEndpoint;
import org.openvdi.broker.hypervisor.HostFacts;
import org.openvdi.broker.hypervisor.HostTarget;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.ImageSpec;
import org.openvdi.broker.hypervisor.MachineEventListener.MachineEvent;
import org.openvdi.broker.hypervisor.MachineSpec;
import org.openvdi.broker.hypervisor.ManagedMachine;
import org.openvdi.broker.hypervisor.VirtType;
import org.w3c.dom.Element;

/**
 * The adapter against the real libvirtd and QEMU (software emulation) of this machine. Skipped only
 * when {@code virsh -c qemu:///system} cannot reach libvirtd. Uses a pool of its own, removed at the end.
 */
class LibvirtHypervisorQemuTest {

    private static final String URI = "qemu:///system";
    private static final String POOL = "openvdi-test-" + UUID.randomUUID().toString().substring(0, 8);
    /** Software emulation: what the acceleration probe decides on a host whose KVM does not really run guests. */
    private static final HostTarget HOST = new HostTarget("qemu-it", URI, VirtType.QEMU, POOL, "127.0.0.1");
    private static final HostTarget UNPROBED = new HostTarget("qemu-it", URI, VirtType.AUTO, POOL, "127.0.0.1");
    private static final long IMAGE_SIZE = 64L << 20;

    @TempDir
    static Path tempDir;
    private static LibvirtHypervisor hypervisor;
    private static Connect direct;
    private static ImageSpec image;
    private static final List<String> desktops = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void requireLibvirtd() throws Exception {
        assumeTrue(virsh("list").exitCode() == 0, "libvirtd is not reachable at " + URI);
        Path file = tempDir.resolve("empty.raw");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(IMAGE_SIZE);
        }
        image = new ImageSpec(file.toString(), VolumeStreams.sha256(file), "raw", IMAGE_SIZE);
        hypervisor = new LibvirtHypervisor(new LibvirtSettings(LibvirtSettings.DEFAULT_POOL_ROOT, Duration.ofSeconds(15)));
        direct = new Connect(URI);
    }

    @AfterAll
    static void removePool() throws Exception {
        if (hypervisor == null) {
            return;
        }
        for (String id : desktops) {
            hypervisor.destroy(HOST, id);
        }
        hypervisor.close();
        try {
            StoragePool pool = direct.storagePoolLookupByName(POOL);
            for (String volume : pool.listVolumes()) {
                pool.storageVolLookupByName(volume).delete(0);
            }
            pool.destroy();
            pool.delete(0);
            pool.undefine();
        } catch (LibvirtException e) {
            if (!LibvirtErrors.isMissing(e)) {
                throw e;
            }
        } finally {
            direct.close();
        }
    }

    @Test
    void givenQemuHost_whenProbed_thenSoftwareEmulationIsReported() {
        HostFacts facts = hypervisor.probe(HOST);

        assertThat(facts.driver()).isEqualTo("QEMU");
        assertThat(facts.effectiveVirtType()).isEqualTo("qemu");
        assertThat(facts.cpus()).isPositive();
    }

    @Test
    void givenAutoHostNotProbedYet_whenProbedAndDefined_thenAutoIsReportedAndNoDomainIsDefined() throws Exception {
        String id = UUID.randomUUID().toString();
        desktops.add(id);
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, id, image);

        assertThat(hypervisor.probe(UNPROBED).effectiveVirtType()).isEqualTo("auto");
        assertThatThrownBy(() -> hypervisor.defineDomain(UNPROBED, new MachineSpec(id, "d", 1, 128, "pw", image)))
                .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("acceleration probe");
        assertThat(virsh("dominfo", "vdi-" + id).exitCode()).isNotZero();
    }

    @Test
    void givenEmptyImage_whenDesktopLivesItsWholeLife_thenDisplayAnswersEventsArriveAndNothingRemains() throws Exception {
        String id = UUID.randomUUID().toString();
        desktops.add(id);
        String domain = "vdi-" + id;
        hypervisor.ensureImage(HOST, image);
        hypervisor.ensureImage(HOST, image);
        hypervisor.cloneVolume(HOST, id, image);
        hypervisor.cloneVolume(HOST, id, image);
        assertBackedByImage(id);

        hypervisor.defineDomain(HOST, new MachineSpec(id, "It's <QEMU> & co; $(rm -rf /)", 1, 128, "vnc&'<pw", image));
        hypervisor.defineDomain(HOST, new MachineSpec(id, "redefined", 1, 128, "other", image));
        Element defined = LibvirtXmlParser.parse(virsh("dumpxml", domain).output()).getDocumentElement();
        assertThat(defined.getAttribute("type")).isEqualTo("qemu");
        assertThat(defined.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("It's <QEMU> & co; $(rm -rf /)");
        hypervisor.start(HOST, id);
        hypervisor.start(HOST, id);

        DisplayEndpoint display = hypervisor.display(HOST, id);
        assertThat(display.host()).isEqualTo("127.0.0.1");
        assertThat(display.port()).isGreaterThanOrEqualTo(5900);
        assertThat(display.password()).isEqualTo("vnc&'<pw");
        assertThat(answersWithin(display, Duration.ofSeconds(10))).isTrue();
        assertThat(hypervisor.inventory(HOST)).contains(new ManagedMachine(id, true, true, true));

        BlockingQueue<MachineEvent> events = new LinkedBlockingQueue<>();
        try (AutoCloseable watch = hypervisor.watch(HOST, (host, desktop, event) -> {
            if (id.equals(desktop)) {
                events.add(event);
            }
        })) {
            assertThat(virsh("destroy", domain).exitCode()).isZero();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isIn(MachineEvent.STOPPED, MachineEvent.CRASHED);
        }
        assertThat(hypervisor.inventory(HOST)).contains(new ManagedMachine(id, true, false, true));

        hypervisor.destroy(HOST, id);
        hypervisor.destroy(HOST, id);
        assertThat(hypervisor.inventory(HOST)).extracting(ManagedMachine::desktopId).doesNotContain(id);
        assertThat(virsh("dominfo", domain).exitCode()).isNotZero();
        assertThat(virsh("vol-info", "--pool", POOL, domain + ".qcow2").exitCode()).isNotZero();
    }

    @Test
    void givenImageVolumeCorruptedOnTheHost_whenEnsuredByAFreshAdapter_thenDeletedRetryableAndReuploaded() throws Exception {
        Path file = tempDir.resolve("small.raw");
        Files.write(file, "small image\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        ImageSpec small = new ImageSpec(file.toString(), VolumeStreams.sha256(file), "raw", Files.size(file));
        hypervisor.ensureImage(HOST, small);
        String path = volume("img-" + small.sha256().substring(0, 16) + ".raw").getPath();
        Files.writeString(Path.of(path), "tampered");

        try (LibvirtHypervisor fresh = new LibvirtHypervisor(new LibvirtSettings(LibvirtSettings.DEFAULT_POOL_ROOT, Duration.ofSeconds(15)))) {
            assertThatThrownBy(() -> fresh.ensureImage(HOST, small))
                    .isInstanceOfSatisfying(HypervisorException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("deleted");
            fresh.ensureImage(HOST, small);
        }
        assertThat(VolumeStreams.sha256(Path.of(path))).isEqualTo(small.sha256());
    }

    @Test
    void givenQcow2Image_whenUploadedAndCloned_thenCloneInheritsItsVirtualSizeAndNamesItsFormat() throws Exception {
        Path file = tempDir.resolve("template.qcow2");
        Process qemuImg = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), "32M")
                .redirectErrorStream(true).start();
        assertThat(qemuImg.waitFor(30, TimeUnit.SECONDS) && qemuImg.exitValue() == 0).isTrue();
        ImageSpec qcow2 = new ImageSpec(file.toString(), VolumeStreams.sha256(file), "qcow2", Files.size(file));
        String id = UUID.randomUUID().toString();
        desktops.add(id);

        hypervisor.ensureImage(HOST, qcow2);
        hypervisor.cloneVolume(HOST, id, qcow2);

        StorageVol imageVolume = volume("img-" + qcow2.sha256().substring(0, 16) + ".qcow2");
        assertThat(VolumeStreams.sha256(Path.of(imageVolume.getPath()))).isEqualTo(qcow2.sha256());
        Element clone = LibvirtXmlParser.parse(volume("vdi-" + id + ".qcow2").getXMLDesc(0)).getDocumentElement();
        assertThat(clone.getElementsByTagName("capacity").item(0).getTextContent()).isEqualTo(Long.toString(32L << 20));
        assertThat(text(clone, "backingStore", "path", null)).isEqualTo(imageVolume.getPath());
        assertThat(text(clone, "backingStore", "format", "type")).isEqualTo("qcow2");
        hypervisor.destroy(HOST, id);
        assertThat(hypervisor.inventory(HOST)).extracting(ManagedMachine::desktopId).doesNotContain(id);
    }

    @Test
    void givenATemplateDiskLargerThanTheQcow2Image_whenCloned_thenTheOverlayHasTheTemplatesVirtualSize() throws Exception {
        Path file = tempDir.resolve("small-template.qcow2");
        Process qemuImg = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", file.toString(), "16M")
                .redirectErrorStream(true).start();
        assertThat(qemuImg.waitFor(30, TimeUnit.SECONDS) && qemuImg.exitValue() == 0).isTrue();
        ImageSpec qcow2 = new ImageSpec(file.toString(), VolumeStreams.sha256(file), "qcow2", Files.size(file));
        String id = UUID.randomUUID().toString();
        desktops.add(id);

        hypervisor.ensureImage(HOST, qcow2);
        hypervisor.cloneVolume(HOST, id, qcow2.withDiskGiB(1));
        hypervisor.cloneVolume(HOST, id, qcow2.withDiskGiB(1));

        StorageVol clone = volume("vdi-" + id + ".qcow2");
        assertThat(clone.getInfo().capacity).isEqualTo(1L << 30);
        Process info = new ProcessBuilder("qemu-img", "info", "--output=json", "-U", clone.getPath())
                .redirectErrorStream(true).start();
        String json = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(info.waitFor(30, TimeUnit.SECONDS) && info.exitValue() == 0).as(json).isTrue();
        assertThat(json).contains("\"virtual-size\": " + (1L << 30))
                .contains(volume("img-" + qcow2.sha256().substring(0, 16) + ".qcow2").getPath());
        hypervisor.destroy(HOST, id);
    }

    private static void assertBackedByImage(String id) throws Exception {
        Element root = LibvirtXmlParser.parse(volume("vdi-" + id + ".qcow2").getXMLDesc(0)).getDocumentElement();
        String imagePath = volume("img-" + image.sha256().substring(0, 16) + ".raw").getPath();
        assertThat(text(root, "target", "format", "type")).isEqualTo("qcow2");
        assertThat(text(root, "backingStore", "path", null)).isEqualTo(imagePath);
        assertThat(text(root, "backingStore", "format", "type")).isEqualTo("raw");
    }

    private static String text(Element root, String parent, String child, String attribute) {
        Element parentElement = (Element) root.getElementsByTagName(parent).item(0);
        Element element = (Element) parentElement.getElementsByTagName(child).item(0);
        return attribute == null ? element.getTextContent() : element.getAttribute(attribute);
    }

    private static StorageVol volume(String name) throws LibvirtException {
        return direct.storagePoolLookupByName(POOL).storageVolLookupByName(name);
    }

    private static boolean answersWithin(DisplayEndpoint display, Duration limit) throws InterruptedException {
        RfbProbe probe = new RfbProbe(Duration.ofSeconds(1), Duration.ofSeconds(1));
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (probe.answers(display.host(), display.port())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    private record Result(int exitCode, String output) {
    }

    /** Runs virsh with fixed arguments (test code only; the adapter never shells out). */
    private static Result virsh(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 3];
        command[0] = "virsh";
        command[1] = "-c";
        command[2] = URI;
        System.arraycopy(args, 0, command, 3, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("virsh " + String.join(" ", args) + " timed out");
        }
        return new Result(process.exitValue(), output);
    }

}
