package org.openvdi.broker.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The real guacd for tests: a child {@code guacd -f} of this JVM on a free loopback port, logging into the given
 * directory and stopped when the JVM ends. It is never the guacd of a running product on 127.0.0.1:4822, which other
 * tests and demos on this machine may be using (and whose log a failing test could not read).
 */
public final class Guacd {

    private static Integer port;

    private Guacd() {
    }

    /** Whether guacd is installed here. */
    public static boolean available() {
        return List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "guacd")) || Files.isExecutable(Path.of("/usr/sbin/guacd")));
    }

    /** The port of a running guacd on 127.0.0.1. */
    public static synchronized int port(Path logDirectory) throws IOException {
        if (port == null) {
            port = startChild(logDirectory);
        }
        return port;
    }

    private static int startChild(Path logDirectory) throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        Files.createDirectories(logDirectory);
        String guacd = Files.isExecutable(Path.of("/usr/sbin/guacd")) ? "/usr/sbin/guacd" : "guacd";
        Process process = new ProcessBuilder(guacd, "-b", "127.0.0.1", "-l", Integer.toString(free), "-f", "-L", "debug")
                .redirectErrorStream(true).redirectOutput(logDirectory.resolve("guacd-" + free + ".log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-test-guacd"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (!listening(free)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IllegalStateException("guacd did not start on port " + free + "; see " + logDirectory);
            }
            VncDisplay.sleep(100);
        }
        return free;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
