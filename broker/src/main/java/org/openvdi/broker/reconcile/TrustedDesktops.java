package org.openvdi.broker.reconcile;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.openvdi.broker.desktop.DesktopView;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Which ready desktops this broker may hand out: those that became ready since it started, and those on a host of
 * which some broker has taken inventory since then. A host may have lost its VMs while no broker ran (libvirt's test
 * driver always does, a rebooted host may), so until such an inventory the broker does not believe the ready desktops
 * it remembers from before.
 *
 * <p>Several brokers: the inventory is taken by whichever broker holds the reconciliation lock, so it is recorded in
 * {@code host_inventory}, shared by all. A broker that never gets the lock still trusts a host once another broker
 * has inventoried it after this one started, instead of refusing that host's spares for good. Times compare the
 * brokers' clocks, as the events' timestamps do: keep the brokers' clocks synchronised (NTP).
 */
@Component
public class TrustedDesktops {

    private final Instant startedAt = Instant.now();
    /** Hosts known to have been inventoried since this broker started: that stays true, so it is remembered here. */
    private final Set<UUID> inventoried = ConcurrentHashMap.newKeySet();
    private final JdbcTemplate jdbc;

    TrustedDesktops(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Since when this broker trusts the desktops it reads: one that became ready after this is trusted, and so is any
     * desktop of a host {@link #inventoriedAmong inventoried} since; for queries that pick trusted desktops themselves.
     */
    public Instant since() {
        return startedAt;
    }

    /** Those of {@code hosts} that some broker has inventoried since this one started: all their desktops are trusted. */
    public Set<UUID> inventoriedAmong(Collection<UUID> hosts) {
        List<UUID> unknown = hosts.stream().filter(host -> !inventoried.contains(host)).toList();
        if (!unknown.isEmpty()) {
            jdbc.queryForList("SELECT host_id FROM host_inventory WHERE host_id = ANY(?) AND inventoried_at >= ?",
                    UUID.class, unknown.toArray(UUID[]::new), Timestamp.from(startedAt)).forEach(inventoried::add);
        }
        return hosts.stream().filter(inventoried::contains).collect(Collectors.toSet());
    }

    void inventoried(UUID hostId) {
        Instant now = Instant.now();
        jdbc.update("INSERT INTO host_inventory (host_id, inventoried_at) VALUES (?, ?) ON CONFLICT (host_id)"
                + " DO UPDATE SET inventoried_at = GREATEST(host_inventory.inventoried_at, EXCLUDED.inventoried_at)",
                hostId, Timestamp.from(now));
        inventoried.add(hostId);
    }

    public boolean trusted(DesktopView desktop) {
        return (desktop.readyAt() != null && desktop.readyAt().isAfter(startedAt))
                || !inventoriedAmong(List.of(desktop.hostId())).isEmpty();
    }
}
