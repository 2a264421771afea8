package org.openvdi.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openvdi.broker.Virsh;

/** What the benchmark ran on: CPUs, memory, kernel, libvirt and QEMU, and how guests are emulated. */
final class MachineFacts {

    private MachineFacts() {
    }

    static void describe(BenchReport report) {
        report.machine("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs");
        report.machine("memory", memTotal());
        report.machine("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        report.machine("libvirt / QEMU", String.join("; ", Virsh.run("version").lines().stream()
                .filter(line -> line.startsWith("Using library") || line.startsWith("Running hypervisor")).toList()));
        report.machine("guests", "domain type qemu: software emulation (TCG), no KVM acceleration");
        report.machine("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    private static String cpuModel() {
        return lines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static String memTotal() {
        return lines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024 + " MiB").findFirst().orElse("unknown");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
