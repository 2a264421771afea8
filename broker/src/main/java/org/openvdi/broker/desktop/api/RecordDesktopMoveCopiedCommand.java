package org.openvdi.broker.desktop.api;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.VolumeCopy;

/** The desktop's volumes are on the new host, each checked by checksum on both sides. */
public record RecordDesktopMoveCopiedCommand(@TargetAggregateIdentifier UUID desktopId, List<VolumeCopy> volumes, long millis) {

    /** The name of the first volume whose checksums differ between the two sides, if any. */
    public java.util.Optional<String> unverified() {
        return volumes.stream().filter(volume -> !volume.verified()).map(VolumeCopy::volume).findFirst();
    }
}
