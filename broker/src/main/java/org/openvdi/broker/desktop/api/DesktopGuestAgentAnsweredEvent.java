package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * The guest agent of a desktop whose template declares guest-agent readiness answered; {@code millis}: how long
 * it took after the display answered. Recorded once per start, before the desktop becomes ready.
 */
@Revision("1")
public record DesktopGuestAgentAnsweredEvent(UUID desktopId, long millis) {
}
