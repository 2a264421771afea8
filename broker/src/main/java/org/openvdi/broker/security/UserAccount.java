package org.openvdi.broker.security;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.security.api.RecordSignInCommand;
import org.openvdi.broker.security.api.UserSignedInEvent;

/**
 * One person's sign-ins. Its id comes from the user name ({@link #idOf}), so auditors find a user's sign-ins with
 * {@code /api/events?aggregateId=}. Every sign-in is a fact of its own: each command records one event.
 */
@Aggregate
class UserAccount {

    @AggregateIdentifier
    private UUID accountId;

    UserAccount() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordSignInCommand command) {
        apply(new UserSignedInEvent(command.accountId(), command.userName(), command.source(), command.roles(),
                command.groups(), command.clientAddress()));
    }

    @EventSourcingHandler
    void on(UserSignedInEvent event) {
        accountId = event.accountId();
    }

    static UUID idOf(String userName) {
        return UUID.nameUUIDFromBytes(("user:" + userName).getBytes(StandardCharsets.UTF_8));
    }
}
