package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Rebuilds an idle desktop on another version of its template for a rollout: its domain and system disk are
 * destroyed and provisioned again, while it keeps its id, pool and owner (and, where its template has one, the
 * user disk).
 */
public record RecomposeDesktopCommand(@TargetAggregateIdentifier UUID desktopId, int templateVersion, UUID rolloutId) {
}
