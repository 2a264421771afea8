package org.openvdi.broker.auditlog;

import java.util.Map;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.auditlog.api.AuditDataReadEvent;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.openvdi.broker.auditlog.api.AuditReadFormat;
import org.openvdi.broker.auditlog.api.RecordAuditReadCommand;
import org.openvdi.broker.recording.api.RecordRecordingsReadCommand;

/** Every read of audit data is one event, whichever API it went through; recording the same read again adds none. */
class AuditReadTest {

    private static final UUID READ = UUID.fromString("00000000-0000-0000-0000-0000000000a1");
    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-0000000000a2");
    private static final Map<String, Object> AUDREY = Map.of("user", "audrey");
    private static final Map<String, String> BY_USER = Map.of("user", "alice", "from", "2026-12-01T08:00:00Z");
    private static final Map<String, String> OF_SESSION = Map.of("sessionId", SESSION.toString());

    private static final AuditDataReadEvent SESSIONS_READ = new AuditDataReadEvent(READ, "audrey",
            AuditQueryKind.SESSIONS, BY_USER, AuditReadFormat.CSV_EXPORT, 12);
    private static final AuditDataReadEvent RECORDINGS_READ = new AuditDataReadEvent(READ, "audrey",
            AuditQueryKind.RECORDINGS, OF_SESSION, AuditReadFormat.PAGE, 2);

    private FixtureConfiguration<AuditRead> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(AuditRead.class);
    }

    @Test
    void givenNothing_whenAnAuditAnswerIsRead_thenAuditDataRead() {
        fixture.givenNoPriorActivity()
                .when(new RecordAuditReadCommand(READ, "audrey", AuditQueryKind.SESSIONS, BY_USER,
                        AuditReadFormat.CSV_EXPORT, 12), AUDREY)
                .expectEvents(SESSIONS_READ);
    }

    @Test
    void givenARecordedRead_whenRecordedAgain_thenNothingMore() {
        fixture.given(SESSIONS_READ)
                .when(new RecordAuditReadCommand(READ, "audrey", AuditQueryKind.SESSIONS, BY_USER,
                        AuditReadFormat.CSV_EXPORT, 12), AUDREY)
                .expectNoEvents();
    }

    @Test
    void givenNothing_whenASessionsRecordingsAreRead_thenAuditDataReadOfRecordings() {
        fixture.givenNoPriorActivity()
                .when(new RecordRecordingsReadCommand(READ, "audrey", OF_SESSION, 2), AUDREY)
                .expectEvents(RECORDINGS_READ);
    }

    @Test
    void givenARecordedRecordingsRead_whenRecordedAgain_thenNothingMore() {
        fixture.given(RECORDINGS_READ)
                .when(new RecordRecordingsReadCommand(READ, "audrey", OF_SESSION, 2), AUDREY)
                .expectNoEvents();
    }
}
