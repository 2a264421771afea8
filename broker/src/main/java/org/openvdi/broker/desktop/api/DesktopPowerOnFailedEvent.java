package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A persistent desktop could not be powered on again; it stays powered off with its disk. */
@Revision("1")
public record DesktopPowerOnFailedEvent(UUID desktopId, String step, String reason) {
}
