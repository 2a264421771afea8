package org.openvdi.broker.host;

import java.util.Map;
import java.util.UUID;

/**
 * How many desktops occupy each host. The desktop feature owns the desktops' read model and answers this
 * ({@code DesktopQueries}); the host feature only asks, so that hosts never read another feature's table
 * and never depend on the desktop feature, which depends on them.
 */
public interface HostOccupancy {

    /** Desktops that occupy a host (every one not destroyed), by host id; a host with none is absent. */
    Map<UUID, Integer> activeDesktopsByHost();

    /** Desktops that occupy one host. */
    int activeDesktopsOn(UUID hostId);

    /** The desktops on one host that keep it from being drained. */
    DrainBlockers drainBlockers(UUID hostId);
}
