package org.openvdi.broker.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingState;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.openvdi.broker.session.SessionQueries;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recording process on the real read models and the real recordings directory: the broker's own scheduled
 * scanner stores a finished file with its size and SHA-256, records a recording without a file as missing, and
 * deletes recordings past their retention (the event, then the file); a scanner that runs on a clock 31 days
 * ahead deletes what is then past the default retention of 30 days.
 */
class RecordingScannerTest extends RecordingBroker {

    @Autowired
    RecordingQueries recordings;
    @Autowired
    RecordingFiles files;
    @Autowired
    SessionQueries sessions;
    @Autowired
    RecordingSettings settings;
    @Autowired
    ClusterLock locks;

    private UUID start(UUID sessionId, Instant startedAt, boolean withFile) throws Exception {
        UUID id = UUID.randomUUID();
        String name = RecordingFiles.nameOf(sessionId, id);
        if (withFile) {
            SyntheticRecording.write(RECORDINGS.resolve(name), 5, 100);
        }
        commands.system(new StartRecordingCommand(id, sessionId, UUID.randomUUID(), UUID.randomUUID(), "alice", name,
                startedAt));
        return id;
    }

    private RecordingView view(UUID id) {
        return recordings.find(id).orElseThrow();
    }

    @Test
    void givenAFinishedFile_whenScanned_thenStoredWithItsSizeAndChecksum() throws Exception {
        UUID session = UUID.randomUUID();
        UUID id = start(session, Instant.now(), true);
        Path file = RECORDINGS.resolve(RecordingFiles.nameOf(session, id));

        await().atMost(Duration.ofSeconds(30)).until(() -> view(id).state() == RecordingState.STORED);

        assertThat(view(id).sizeBytes()).isEqualTo(Files.size(file));
        assertThat(view(id).sha256()).isEqualTo(files.sha256(file.getFileName().toString())).hasSize(64);
        assertThat(view(id).storedAt()).isNotNull();
    }

    @Test
    void givenNoFile_whenTheConnectionIsLongOver_thenMissing() throws Exception {
        UUID id = start(UUID.randomUUID(), Instant.now(), false);

        await().atMost(Duration.ofSeconds(30)).until(() -> view(id).state() == RecordingState.MISSING);

        assertThat(view(id).missingReason()).contains("no file");
    }

    @Test
    void givenARecordingPastItsRetention_whenScanned_thenDeletedBySystemAndItsFileRemoved() throws Exception {
        UUID session = UUID.randomUUID();
        UUID id = start(session, Instant.now().minus(Duration.ofDays(31)), true);
        Path file = RECORDINGS.resolve(RecordingFiles.nameOf(session, id));

        await().atMost(Duration.ofSeconds(30)).until(() -> view(id).state() == RecordingState.DELETED);

        assertThat(view(id).deletedReason()).isEqualTo(RecordingDeletionReason.RETENTION);
        assertThat(view(id).deletedBy()).isEqualTo("system");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.notExists(file));
    }

    @Test
    void givenAStoredRecording_whenAScannerOnAClockPastTheRetentionRuns_thenItIsDeleted() throws Exception {
        UUID session = UUID.randomUUID();
        UUID id = start(session, Instant.now(), true);
        await().atMost(Duration.ofSeconds(30)).until(() -> view(id).state() == RecordingState.STORED);
        RecordingScanner later = new RecordingScanner(recordings, files, sessions, commands, settings, locks,
                Clock.offset(Clock.systemUTC(), settings.retention().plusDays(1)));

        later.scan();

        assertThat(view(id).state()).isEqualTo(RecordingState.DELETED);
        assertThat(Files.exists(RECORDINGS.resolve(RecordingFiles.nameOf(session, id)))).isFalse();
    }

    @Test
    void givenFileNamesThatAreNotOurs_whenResolved_thenRefused() {
        for (String name : List.of("../x.guac", "/etc/passwd", "a.guac", UUID.randomUUID() + ".guac",
                UUID.randomUUID() + "-" + UUID.randomUUID() + ".guac/../../x", "", ".")) {
            assertThat(catching(() -> files.resolve(name))).as(name).isPresent();
        }
        String ours = RecordingFiles.nameOf(UUID.randomUUID(), UUID.randomUUID());
        assertThat(files.resolve(ours).getParent()).isEqualTo(RECORDINGS);
    }

    private static Optional<Exception> catching(Runnable call) {
        try {
            call.run();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e);
        }
    }
}
