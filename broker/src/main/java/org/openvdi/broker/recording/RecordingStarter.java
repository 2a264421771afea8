package org.openvdi.broker.recording;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides at a redemption whether the connection is recorded (its pool's setting) and, when it is, records the
 * start as an event before the gateway learns the file's name.
 */
@Component
public class RecordingStarter {

    private static final Logger log = LoggerFactory.getLogger(RecordingStarter.class);

    private final PoolQueries pools;
    private final AuditedCommands commands;

    RecordingStarter(PoolQueries pools, AuditedCommands commands) {
        this.pools = pools;
        this.commands = commands;
    }

    /**
     * @return the name of the file guacd is to record the connection into, or empty when the pool does not record
     */
    public Optional<String> startFor(UUID sessionId, UUID desktopId, UUID poolId, String user) {
        if (poolId == null || !pools.records(poolId)) {
            return Optional.empty();
        }
        UUID recordingId = UUID.randomUUID();
        String fileName = RecordingFiles.nameOf(sessionId, recordingId);
        commands.system(new StartRecordingCommand(recordingId, sessionId, desktopId, poolId, user, fileName,
                Instant.now()));
        log.info("Connection of session {} is recorded as {}", sessionId, recordingId);
        return Optional.of(fileName);
    }
}
