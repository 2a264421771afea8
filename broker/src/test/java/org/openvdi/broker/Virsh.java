package org.openvdi.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * {@code virsh -c qemu:///system} for integration tests: looks at what the broker did behind its
 * back, does things behind its back, and removes what a test created. Arguments are fixed by the
 * tests (desktop ids, pool names of their own), never user input.
 */
public final class Virsh {

    private static final String URI = "qemu:///system";

    private Virsh() {
    }

    /** The answer of one virsh command. */
    public record Result(int exitCode, String output) {
        public List<String> lines() {
            return output.lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
        }
    }

    public static Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", URI));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            return new Result(process.waitFor(), output);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public static boolean reachable() {
        return run("list").exitCode() == 0;
    }

    /** "running", "shut off", or what virsh says when there is no such domain. */
    public static String domainState(String desktopId) {
        return run("domstate", "vdi-" + desktopId).output().trim();
    }

    public static boolean domainExists(String desktopId) {
        return run("dominfo", "vdi-" + desktopId).exitCode() == 0;
    }

    /** Removes every vdi-* domain whose disk lives in the test's own storage pool, then the pool and its volumes. */
    public static void removeDesktopsAndPool(String storagePool) {
        List<String> desktopIds = new ArrayList<>();
        for (String domain : run("list", "--all", "--name").lines()) {
            if (domain.startsWith("vdi-") && run("dumpxml", domain).output().contains("/" + storagePool + "/")) {
                desktopIds.add(domain.substring(4));
            }
        }
        removeDesktopsAndPool(desktopIds, storagePool);
    }

    /** Destroys and undefines the desktops' domains, then deletes every volume of the pool and the pool. */
    public static void removeDesktopsAndPool(Collection<String> desktopIds, String storagePool) {
        for (String id : desktopIds) {
            run("destroy", "vdi-" + id);
            run("undefine", "vdi-" + id);
        }
        for (String line : run("vol-list", storagePool).lines()) {
            String name = line.split("\\s+")[0];
            if (name.startsWith("vdi-") || name.startsWith("img-")) {
                run("vol-delete", "--pool", storagePool, name);
            }
        }
        run("pool-destroy", storagePool);
        run("pool-delete", storagePool);
        run("pool-undefine", storagePool);
    }
}
