package org.openvdi.broker.recording;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.annotation.MetaDataValue;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.recording.api.DeleteRecordingCommand;
import org.openvdi.broker.recording.api.MarkRecordingMissingCommand;
import org.openvdi.broker.recording.api.PlayRecordingCommand;
import org.openvdi.broker.recording.api.RecordingDeletedEvent;
import org.openvdi.broker.recording.api.RecordingMissingEvent;
import org.openvdi.broker.recording.api.RecordingPlayedEvent;
import org.openvdi.broker.recording.api.RecordingStartedEvent;
import org.openvdi.broker.recording.api.RecordingState;
import org.openvdi.broker.recording.api.RecordingStoredEvent;
import org.openvdi.broker.recording.api.StartRecordingCommand;
import org.openvdi.broker.recording.api.StoreRecordingCommand;

/**
 * One recorded connection: started at a redemption, stored (size and checksum) or missing once its connection
 * ended, played by auditors, deleted by retention or an auditor. Repeated commands are no-ops.
 */
@Aggregate
class Recording {

    @AggregateIdentifier
    private UUID recordingId;
    private UUID sessionId;
    private RecordingState state;

    Recording() {
    }

    @CommandHandler
    Recording(StartRecordingCommand command) {
        apply(new RecordingStartedEvent(command.recordingId(), command.sessionId(), command.desktopId(),
                command.poolId(), command.user(), command.fileName(), command.startedAt()));
    }

    @CommandHandler
    void handle(StoreRecordingCommand command) {
        if (state == RecordingState.RECORDING) {
            apply(new RecordingStoredEvent(recordingId, sessionId, command.sizeBytes(), command.sha256(),
                    command.storedAt()));
        }
    }

    @CommandHandler
    void handle(MarkRecordingMissingCommand command) {
        if (state == RecordingState.RECORDING) {
            apply(new RecordingMissingEvent(recordingId, sessionId, command.reason()));
        }
    }

    @CommandHandler
    void handle(PlayRecordingCommand command, @MetaDataValue("user") String user) {
        switch (state) {
            case STORED -> apply(new RecordingPlayedEvent(recordingId, sessionId, user, command.clientAddress()));
            case DELETED -> throw new BrokerException(ErrorCode.RECORDING_DELETED, "The recording was deleted");
            case MISSING -> throw new BrokerException(ErrorCode.RECORDING_NOT_AVAILABLE, "guacd wrote no recording");
            case RECORDING -> throw new BrokerException(ErrorCode.RECORDING_NOT_AVAILABLE,
                    "The connection is still being recorded");
        }
    }

    @CommandHandler
    void handle(DeleteRecordingCommand command, @MetaDataValue("user") String user) {
        if (state != RecordingState.DELETED) {
            apply(new RecordingDeletedEvent(recordingId, sessionId, command.reason(), user));
        }
    }

    @EventSourcingHandler
    void on(RecordingStartedEvent event) {
        recordingId = event.recordingId();
        sessionId = event.sessionId();
        state = RecordingState.RECORDING;
    }

    @EventSourcingHandler
    void on(RecordingStoredEvent event) {
        state = RecordingState.STORED;
    }

    @EventSourcingHandler
    void on(RecordingMissingEvent event) {
        state = RecordingState.MISSING;
    }

    @EventSourcingHandler
    void on(RecordingDeletedEvent event) {
        state = RecordingState.DELETED;
    }
}
