package org.openvdi.gateway.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The real guacd for tests: the one on 127.0.0.1:4822 when it runs (scripts/host-setup.sh starts it),
 * otherwise a child {@code guacd -f} on a free port, stopped when the JVM ends.
 */
public final class GuacdDaemon {

    private static final int DEFAULT_PORT = 4822;
    private static GuacdDaemon shared;

    private final int port;

    private GuacdDaemon(int port) {
        this.port = port;
    }

    public static synchronized GuacdDaemon shared() {
        if (shared == null) {
            shared = LocalPorts.isListening(DEFAULT_PORT) ? new GuacdDaemon(DEFAULT_PORT) : startChild();
        }
        return shared;
    }

    public int port() {
        return port;
    }

    private static GuacdDaemon startChild() {
        int port = LocalPorts.closedPort();
        Process process;
        try {
            process = new ProcessBuilder("guacd", "-b", "127.0.0.1", "-l", Integer.toString(port), "-f", "-L", "info")
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/guacd-" + port + ".log"))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("guacd is not installed: run scripts/host-setup.sh", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "stop-test-guacd"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!LocalPorts.isListening(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IllegalStateException("guacd did not start on port " + port + "; see target/guacd-"
                        + port + ".log");
            }
            sleep(100);
        }
        return new GuacdDaemon(port);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
