package org.openvdi.broker.limits;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;
import org.axonframework.spring.stereotype.Aggregate;
import org.openvdi.broker.limits.api.RecordSignInThrottledCommand;
import org.openvdi.broker.limits.api.SignInThrottledEvent;
import org.openvdi.broker.limits.api.ThrottledSubject;

/**
 * The bans on one user name or one client address. Its history holds one event per ban (never one per
 * refused attempt), so it grows by at most one event per ban duration. Its id is derived from the subject
 * ({@link #idOf}), so auditors find a name's or an address's bans with {@code /api/events?aggregateId=}.
 */
@Aggregate
class SignInGuard {

    @AggregateIdentifier
    private UUID guardId;
    private Instant bannedUntil;

    SignInGuard() {
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    void handle(RecordSignInThrottledCommand command) {
        if (bannedUntil == null || command.until().isAfter(bannedUntil)) {
            apply(new SignInThrottledEvent(command.guardId(), command.subject(), command.nameKey(),
                    command.clientAddress(), command.failures(), command.until()));
        }
    }

    @EventSourcingHandler
    void on(SignInThrottledEvent event) {
        guardId = event.guardId();
        bannedUntil = event.until();
    }

    /** The guard of a user name or an address, from its stored key ({@link LimitCounters#nameKey} for names). */
    static UUID idOf(ThrottledSubject subject, String key) {
        return UUID.nameUUIDFromBytes(("sign-in:" + subject + ":" + key).getBytes(StandardCharsets.UTF_8));
    }
}
