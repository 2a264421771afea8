package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Logoff, timeout, a limit or an admin ends the session, for a reason given as text and as a cause. */
public record EndSessionCommand(@TargetAggregateIdentifier UUID sessionId, String reason, String by, SessionEndCause cause) {

    /** An end without a cause code. */
    public EndSessionCommand(UUID sessionId, String reason, String by) {
        this(sessionId, reason, by, null);
    }
}
