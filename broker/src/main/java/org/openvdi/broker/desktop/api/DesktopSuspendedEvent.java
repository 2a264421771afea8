package org.openvdi.broker.desktop.api;

import java.util.UUID;
import org.axonframework.serialization.Revision;

/**
 * A persistent desktop's VM stopped with its memory saved on its host; its next power-on resumes it.
 *
 * @param saved whether a saved state is there (false: its VM had stopped already, and its next power-on boots it)
 * @param millis how long saving took
 */
@Revision("1")
public record DesktopSuspendedEvent(UUID desktopId, boolean saved, long millis) {
}
