package org.openvdi.broker.host.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cordons a host and moves its idle desktops elsewhere; desktops in use finish their sessions there. */
public record DrainHostCommand(@TargetAggregateIdentifier UUID hostId, String reason) {
}
