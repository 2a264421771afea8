package org.openvdi.broker.desktop.api;

import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.Revision;
import org.openvdi.broker.hypervisor.VolumeCopy;

/** The desktop's system disk (overlay) and user disk are on the new host, with their checksums on both sides. */
@Revision("1")
public record DesktopMoveCopiedEvent(UUID desktopId, UUID toHostId, List<VolumeCopy> volumes, long millis) {
}
