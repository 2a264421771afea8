package org.openvdi.broker.recording;

import java.nio.file.Path;
import java.util.UUID;
import org.openvdi.broker.BrokerTest;
import org.openvdi.broker.audit.AuditedCommands;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One whole broker shared by the recording tests (the same configuration, so one Spring context): its recordings
 * directory under target/, a scanner every 200 ms that takes a file as complete at once, and a recording without a
 * file counted missing a second after its connection was over.
 */
@BrokerTest
abstract class RecordingBroker {

    static final Path RECORDINGS = Path.of("target", "it", "recordings-" + UUID.randomUUID().toString().substring(0, 8))
            .resolve("recordings").toAbsolutePath();

    @DynamicPropertySource
    static void recordings(DynamicPropertyRegistry registry) {
        registry.add("openvdi.recordings.directory", RECORDINGS::toString);
        registry.add("openvdi.recordings.scan-interval", () -> "200ms");
        registry.add("openvdi.recordings.settle", () -> "0s");
        registry.add("openvdi.recordings.missing-after", () -> "1s");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AuditedCommands commands;
}
