package org.openvdi.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openvdi.broker.Virsh;

/** What a benchmark ran on: CPUs, memory, kernel, libvirt and QEMU, how guests are emulated, and the display stack. */
final class MachineFacts {

    private MachineFacts() {
    }

    static Map<String, String> basics() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical CPUs");
        facts.put("memory", memTotal());
        facts.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("libvirt / QEMU", String.join("; ", Virsh.run("version").lines().stream()
                .filter(line -> line.startsWith("Using library") || line.startsWith("Running hypervisor")).toList()));
        facts.put("guests", "domain type qemu: software emulation (TCG), no KVM acceleration");
        facts.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        facts.put("load average (1, 5, 15 min) when written", loadAverage());
        return facts;
    }

    static Map<String, String> guacd() {
        return Map.of("guacd", lineStarting("Guacamole", "guacd", "-v"));
    }

    static Map<String, String> browser() {
        return Map.of("browser", lineStarting("Chromium", "/usr/bin/chromium", "--version") + ", headless");
    }

    /** The first line of a command's output that starts with {@code prefix} (a version banner). */
    private static String lineStarting(String prefix, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            process.waitFor();
            return output.lines().map(String::trim).filter(line -> line.startsWith(prefix)).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String cpuModel() {
        return lines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    /** Other work on the machine inflates every figure: the report says how busy it was. */
    static String loadAverage() {
        return lines(Path.of("/proc/loadavg")).stream()
                .map(line -> String.join(", ", List.of(line.split(" ")).subList(0, 3))).findFirst().orElse("unknown");
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
