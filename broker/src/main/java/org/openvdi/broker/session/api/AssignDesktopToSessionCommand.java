package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The session got its desktop. With a {@code token} (optional) the first connection token of the session's user is
 * recorded in the same step, so a request served at once answers with its connect URL without a command of its own.
 */
public record AssignDesktopToSessionCommand(@TargetAggregateIdentifier UUID sessionId, UUID desktopId,
                                            ConnectionTokenGrant token) {

    /** The desktop only; tokens are issued later ({@link IssueConnectionTokenCommand}). */
    public AssignDesktopToSessionCommand(UUID sessionId, UUID desktopId) {
        this(sessionId, desktopId, null);
    }
}
