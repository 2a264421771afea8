package org.openvdi.broker.recording;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.recording.RecordingFiles.Seen;
import org.openvdi.broker.recording.RecordingQueries.Located;
import org.openvdi.broker.recording.api.DeleteRecordingCommand;
import org.openvdi.broker.recording.api.MarkRecordingMissingCommand;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingState;
import org.openvdi.broker.recording.api.StoreRecordingCommand;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.session.SessionView;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The recording process. guacd writes a recording's file into the directory it shares with the broker; the broker
 * takes the file as complete once its connection is over (the session disconnected or ended after the recording
 * began, or a later connection of the session began) and the file has stayed the same for
 * {@code openvdi.recordings.settle} across two scans. It then reads the file's size and SHA-256 and records them
 * ({@code RecordingStoredEvent}); a recording whose file has not appeared {@code missing-after} its connection
 * was over is recorded as missing. The same scan deletes recordings older than {@code retention}: the event first,
 * then the file, and a file that could not be deleted is tried again on later scans.
 * <p>
 * One scan at a time across brokers (a cluster lock); what a scan saw of each file is kept in memory, so after a
 * restart a file is taken as complete one scan later. Every command is a no-op when repeated.
 */
@Component
class RecordingScanner {

    static final String LOCK = "recording-scanner";
    static final int BATCH = 500;
    private static final Logger log = LoggerFactory.getLogger(RecordingScanner.class);

    private final RecordingQueries recordings;
    private final RecordingFiles files;
    private final SessionQueries sessions;
    private final AuditedCommands commands;
    private final RecordingSettings settings;
    private final ClusterLock locks;
    private final Clock clock;
    private final Map<UUID, Seen> lastSeen = new ConcurrentHashMap<>();

    @Autowired
    RecordingScanner(RecordingQueries recordings, RecordingFiles files, SessionQueries sessions,
                     AuditedCommands commands, RecordingSettings settings, ClusterLock locks) {
        this(recordings, files, sessions, commands, settings, locks, Clock.systemUTC());
    }

    RecordingScanner(RecordingQueries recordings, RecordingFiles files, SessionQueries sessions,
                     AuditedCommands commands, RecordingSettings settings, ClusterLock locks, Clock clock) {
        this.recordings = recordings;
        this.files = files;
        this.sessions = sessions;
        this.commands = commands;
        this.settings = settings;
        this.locks = locks;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${openvdi.recordings.scan-interval:10s}")
    void scheduledScan() {
        locks.runExclusively(LOCK, this::scan);
    }

    /** One pass: complete what is complete, expire what is old. */
    void scan() {
        for (Located recording : recordings.inState(RecordingState.RECORDING, BATCH)) {
            try {
                check(recording);
            } catch (IOException | RuntimeException e) {
                log.error("Checking recording {} failed; trying again on the next scan", recording.view().id(), e);
            }
        }
        expire();
    }

    private void check(Located recording) throws IOException {
        RecordingView view = recording.view();
        Optional<Instant> over = connectionOver(view);
        if (over.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Optional<Seen> seen = files.look(recording.fileName());
        if (seen.isEmpty()) {
            if (over.get().plus(settings.missingAfter()).isBefore(now)) {
                commands.system(new MarkRecordingMissingCommand(view.id(), "no file " + settings.missingAfter()
                        + " after the connection was over"));
                lastSeen.remove(view.id());
                log.warn("Recording {} of session {}: guacd wrote no file", view.id(), view.sessionId());
            }
            return;
        }
        Seen before = lastSeen.put(view.id(), seen.get());
        boolean unchanged = seen.get().equals(before);
        boolean settled = Instant.ofEpochMilli(seen.get().modifiedMillis()).plus(settings.settle()).isBefore(now)
                && over.get().plus(settings.settle()).isBefore(now);
        if (!unchanged || !settled) {
            return;
        }
        String sha256 = files.sha256(recording.fileName());
        Optional<Seen> after = files.look(recording.fileName());
        if (!after.equals(seen)) {
            return;
        }
        commands.system(new StoreRecordingCommand(view.id(), seen.get().size(), sha256, now));
        lastSeen.remove(view.id());
        log.info("Recording {} of session {} stored: {} bytes, SHA-256 {}", view.id(), view.sessionId(),
                seen.get().size(), sha256);
    }

    /** When the recorded connection was over, or empty while it may still be open. */
    private Optional<Instant> connectionOver(RecordingView recording) {
        Optional<SessionView> session = sessions.find(recording.sessionId());
        if (session.isEmpty()) {
            return Optional.of(recording.startedAt());
        }
        SessionView s = session.get();
        Instant left = switch (s.state()) {
            case DISCONNECTED -> s.disconnectedAt();
            case ENDED, FAILED -> s.endedAt() != null ? s.endedAt() : recording.startedAt();
            default -> null;
        };
        if (left != null && !left.isBefore(recording.startedAt())) {
            return Optional.of(left);
        }
        if (recordings.hasLaterRecording(recording.sessionId(), recording.startedAt())) {
            return Optional.of(clock.instant().minus(settings.settle()).minus(Duration.ofMillis(1)));
        }
        return Optional.empty();
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(settings.retention());
        for (Located recording : recordings.startedBefore(cutoff, BATCH)) {
            try {
                commands.system(new DeleteRecordingCommand(recording.view().id(), RecordingDeletionReason.RETENTION));
                lastSeen.remove(recording.view().id());
                log.info("Recording {} of session {} deleted: older than {}", recording.view().id(),
                        recording.view().sessionId(), settings.retention());
            } catch (RuntimeException e) {
                log.error("Deleting recording {} after its retention failed; trying again on the next scan",
                        recording.view().id(), e);
                continue;
            }
            removeFile(recording);
        }
        for (Located deleted : recordings.recentlyDeleted(BATCH)) {
            removeFile(deleted);
        }
    }

    /** Removes the file of a deleted recording; true when it is gone. */
    boolean removeFile(Located recording) {
        try {
            return files.delete(recording.fileName());
        } catch (IOException | RuntimeException e) {
            log.error("Could not delete the file of recording {}; trying again on the next scan",
                    recording.view().id(), e);
            return false;
        }
    }
}
