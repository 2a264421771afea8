package org.openvdi.broker.recording;

import static org.openvdi.broker.Rejections.rejectedWith;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.recording.api.DeleteRecordingCommand;
import org.openvdi.broker.recording.api.MarkRecordingMissingCommand;
import org.openvdi.broker.recording.api.PlayRecordingCommand;
import org.openvdi.broker.recording.api.RecordingDeletedEvent;
import org.openvdi.broker.recording.api.RecordingDeletionReason;
import org.openvdi.broker.recording.api.RecordingMissingEvent;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.RecordingStartedEvent;
import org.openvdi.broker.recording.api.RecordingStoredEvent;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.openvdi.broker.recording.api.StoreRecordingCommand;

class RecordingTest {

    private static final UUID RECORDING = UUID.fromString("00000000-0000-0000-0000-0000000000e1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000e2");
    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-0000000000e3");
    private static final UUID POOL = UUID.fromString("00000000-0000-0000-0000-0000000000e4");
    private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    private static final String FILE = SESSION + "-" + RECORDING + ".guac";
    private static final String SHA = "ab".repeat(32);
    private static final Map<String, Object> AUDREY = Map.of("user", "audrey");
    private static final Map<String, Object> SYSTEM = Map.of("user", "system");

    private static final RecordingStartedEvent STARTED = new RecordingStartedEvent(RECORDING, SESSION, DESKTOP, POOL,
            "alice", FILE, AT);
    private static final RecordingStoredEvent STORED = new RecordingStoredEvent(RECORDING, SESSION, 4096, SHA,
            AT.plusSeconds(60));
    private static final RecordingMissingEvent MISSING = new RecordingMissingEvent(RECORDING, SESSION, "no file");
    private static final RecordingDeletedEvent DELETED_BY_RETENTION = new RecordingDeletedEvent(RECORDING, SESSION,
            RecordingDeletionReason.RETENTION, "system");

    private FixtureConfiguration<Recording> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Recording.class);
    }

    @Test
    void givenNothing_whenStarted_thenRecordingStartedWithItsFile() {
        fixture.givenNoPriorActivity()
                .when(new StartRecordingCommand(RECORDING, SESSION, DESKTOP, POOL, "alice", FILE, AT), SYSTEM)
                .expectEvents(STARTED);
    }

    @Test
    void givenStarted_whenStored_thenSizeAndChecksumRecorded() {
        fixture.given(STARTED)
                .when(new StoreRecordingCommand(RECORDING, 4096, SHA, AT.plusSeconds(60)), SYSTEM)
                .expectEvents(STORED);
    }

    @Test
    void givenStored_whenStoredAgain_thenNoEvent() {
        fixture.given(STARTED, STORED)
                .when(new StoreRecordingCommand(RECORDING, 5000, "cd".repeat(32), AT.plusSeconds(90)), SYSTEM)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenStarted_whenMarkedMissing_thenMissing() {
        fixture.given(STARTED)
                .when(new MarkRecordingMissingCommand(RECORDING, "no file"), SYSTEM)
                .expectEvents(MISSING);
    }

    @Test
    void givenStoredOrMissing_whenMarkedMissing_thenNoEvent() {
        fixture.given(STARTED, STORED).when(new MarkRecordingMissingCommand(RECORDING, "late"), SYSTEM).expectNoEvents();
        fixture.given(STARTED, MISSING).when(new MarkRecordingMissingCommand(RECORDING, "again"), SYSTEM).expectNoEvents();
    }

    @Test
    void givenMissing_whenAFileTurnsUpLater_thenItStaysMissing() {
        fixture.given(STARTED, MISSING)
                .when(new StoreRecordingCommand(RECORDING, 1, SHA, AT.plusSeconds(600)), SYSTEM)
                .expectNoEvents();
    }

    @Test
    void givenStored_whenAnAuditorPlaysIt_thenPlayedByThatAuditorFromThatAddress() {
        fixture.given(STARTED, STORED)
                .when(new PlayRecordingCommand(RECORDING, "192.0.2.4"), AUDREY)
                .expectEvents(new RecordingPlayedEvent(RECORDING, SESSION, "audrey", "192.0.2.4"));
    }

    @Test
    void givenStillRecording_whenPlayed_thenNotAvailableAndNoEvent() {
        fixture.given(STARTED)
                .when(new PlayRecordingCommand(RECORDING, "192.0.2.4"), AUDREY)
                .expectException(BrokerException.class)
                .expectException(rejectedWith(ErrorCode.RECORDING_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenMissing_whenPlayed_thenNotAvailableAndNoEvent() {
        fixture.given(STARTED, MISSING)
                .when(new PlayRecordingCommand(RECORDING, "192.0.2.4"), AUDREY)
                .expectException(rejectedWith(ErrorCode.RECORDING_NOT_AVAILABLE))
                .expectNoEvents();
    }

    @Test
    void givenDeleted_whenPlayed_thenDeletedAndNoEvent() {
        fixture.given(STARTED, STORED, DELETED_BY_RETENTION)
                .when(new PlayRecordingCommand(RECORDING, "192.0.2.4"), AUDREY)
                .expectException(rejectedWith(ErrorCode.RECORDING_DELETED))
                .expectNoEvents();
    }

    @Test
    void givenStored_whenRetentionDeletesIt_thenDeletedBySystem() {
        fixture.given(STARTED, STORED)
                .when(new DeleteRecordingCommand(RECORDING, RecordingDeletionReason.RETENTION), SYSTEM)
                .expectEvents(DELETED_BY_RETENTION);
    }

    @Test
    void givenStillRecording_whenAnAuditorDeletesIt_thenDeletedByThatAuditor() {
        fixture.given(STARTED)
                .when(new DeleteRecordingCommand(RECORDING, RecordingDeletionReason.AUDITOR), AUDREY)
                .expectEvents(new RecordingDeletedEvent(RECORDING, SESSION, RecordingDeletionReason.AUDITOR, "audrey"));
    }

    @Test
    void givenDeleted_whenDeletedAgain_thenNoEvent() {
        fixture.given(STARTED, STORED, DELETED_BY_RETENTION)
                .when(new DeleteRecordingCommand(RECORDING, RecordingDeletionReason.AUDITOR), AUDREY)
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenDeleted_whenStoredLate_thenNoEvent() {
        fixture.given(STARTED, DELETED_BY_RETENTION)
                .when(new StoreRecordingCommand(RECORDING, 1, SHA, AT), SYSTEM)
                .expectNoEvents();
    }
}
