package org.openvdi.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts this JVM's established TCP connections to a port, from /proc (Linux): the sockets among
 * /proc/self/fd whose entry in /proc/net/tcp{,6} has that remote port and state ESTABLISHED.
 * Other processes' connections to the same guacd are not counted.
 */
public final class GuacdSockets {

    private static final String ESTABLISHED = "01";

    private GuacdSockets() {
    }

    public static int establishedTo(int remotePort) {
        Set<String> ownSockets = ownSocketInodes();
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : lines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length < 10 || !fields[1].contains(":")) {
                    continue;
                }
                String remote = fields[2];
                int port = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (port == remotePort && ESTABLISHED.equals(fields[3]) && ownSockets.contains(fields[9])) {
                    count++;
                }
            }
        }
        return count;
    }

    private static Set<String> ownSocketInodes() {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between listing and reading: not a socket of ours any more
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    private static List<String> lines(Path table) {
        try {
            return Files.exists(table) ? Files.readAllLines(table) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
