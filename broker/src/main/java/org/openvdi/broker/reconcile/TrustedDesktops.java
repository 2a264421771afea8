package org.openvdi.broker.reconcile;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.openvdi.broker.desktop.DesktopView;
import org.springframework.stereotype.Component;

/**
 * Which ready desktops this broker may hand out: those it saw become ready itself, and those on a host
 * it has taken inventory of since it started. A host may have lost its VMs while no broker ran (libvirt's
 * test driver always does, a rebooted host may), so until that first inventory the broker does not
 * believe the ready desktops it remembers from before.
 */
@Component
public class TrustedDesktops {

    private final Instant startedAt = Instant.now();
    private final Set<UUID> inventoried = ConcurrentHashMap.newKeySet();

    void inventoried(UUID hostId) {
        inventoried.add(hostId);
    }

    public boolean trusted(DesktopView desktop) {
        return (desktop.readyAt() != null && desktop.readyAt().isAfter(startedAt)) || inventoried.contains(desktop.hostId());
    }
}
