package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/** A persistent desktop got its user disk, once in its life: it is kept across power-off, power-on and recomposition. */
@Revision("1")
public record DesktopUserDiskCreatedEvent(UUID desktopId, int sizeGiB, long millis) {
}
