package org.openvdi.broker.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker killed with SIGKILL leaves its embedded PostgreSQL running on the data directory. Before
 * the next start, that server is asked to shut down cleanly (SIGTERM: PostgreSQL's smart shutdown
 * writes everything it acknowledged), so the new start finds the directory free.
 */
final class StalePostmaster {

    private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

    private StalePostmaster() {
    }

    static void stopIfRunning(Path dataDirectory, Duration timeout) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        if (!firstLine.matches("\\d+")) {
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(Long.parseLong(firstLine))
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty()) {
            return;
        }
        log.warn("PostgreSQL {} from an earlier broker still runs on {}; stopping it first", firstLine, dataDirectory);
        postmaster.get().destroy();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (postmaster.get().isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while stopping the earlier PostgreSQL", e);
            }
        }
        if (postmaster.get().isAlive()) {
            throw new IOException("The earlier PostgreSQL " + firstLine + " did not stop within " + timeout);
        }
    }
}
