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

    /** The path of the image volume that a desktop's system disk (a linked qcow2 clone) is backed by. */
    public static String backingImage(String storagePool, String desktopId) {
        String xml = run("vol-dumpxml", "--pool", storagePool, "vdi-" + desktopId + ".qcow2").output();
        int store = xml.indexOf("<backingStore>");
        if (store < 0) {
            throw new IllegalStateException("no backing store for desktop " + desktopId + ": " + xml);
        }
        int path = xml.indexOf("<path>", store);
        return xml.substring(path + "<path>".length(), xml.indexOf("</path>", path)).trim();
    }

    /** The id of the desktop's running domain: a new one after every start, so the same id means the same run. */
    public static String domainRunId(String desktopId) {
        return run("domid", "vdi-" + desktopId).output().trim();
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
