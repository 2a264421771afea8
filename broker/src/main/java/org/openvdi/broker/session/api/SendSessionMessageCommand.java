package org.openvdi.broker.session.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An admin sends the user of an open session a message, shown in their desktop tab. */
public record SendSessionMessageCommand(@TargetAggregateIdentifier UUID sessionId, UUID messageId, String text, String by) {
}
