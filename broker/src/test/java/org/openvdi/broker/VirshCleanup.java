package org.openvdi.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what an integration test created on qemu:///system: every vdi-* domain whose disk lives
 * in the test's own storage pool, every volume of that pool, and the pool. Tests only; it shells
 * out to virsh with fixed arguments.
 */
public final class VirshCleanup {

    private VirshCleanup() {
    }

    public static void removeDesktopsAndPool(String storagePool) throws IOException, InterruptedException {
        for (String domain : virsh("list", "--all", "--name")) {
            if (domain.startsWith("vdi-") && String.join("\n", virsh("dumpxml", domain)).contains("/" + storagePool + "/")) {
                virsh("destroy", domain);
                virsh("undefine", domain);
            }
        }
        for (String line : virsh("vol-list", storagePool)) {
            String name = line.split("\\s+")[0];
            if (name.startsWith("vdi-") || name.startsWith("img-")) {
                virsh("vol-delete", "--pool", storagePool, name);
            }
        }
        virsh("pool-destroy", storagePool);
        virsh("pool-undefine", storagePool);
    }

    public static List<String> virsh(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes()).lines().map(String::trim).toList();
        process.waitFor();
        return lines;
    }
}
