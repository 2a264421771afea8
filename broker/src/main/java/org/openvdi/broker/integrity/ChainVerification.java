package org.openvdi.broker.integrity;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.integrity.api.EventChainVerifiedEvent;
import org.openvdi.broker.integrity.api.RecordChainVerificationCommand;

/**
 * One verification of the event chain, so that every verify is itself in the audit trail: who asked, when, and
 * what it found. Recording the same verification again is a no-op.
 */
@Aggregate
class ChainVerification {

    @AggregateIdentifier
    private UUID verificationId;

    ChainVerification() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordChainVerificationCommand command) {
        if (verificationId == null) {
            apply(new EventChainVerifiedEvent(command.verificationId(), command.auditor(), command.verdict(),
                    command.eventsChecked(), command.checkpointsChecked(), command.globalIndex(), command.detail()));
        }
    }

    @EventSourcingHandler
    void on(EventChainVerifiedEvent event) {
        verificationId = event.verificationId();
    }
}
