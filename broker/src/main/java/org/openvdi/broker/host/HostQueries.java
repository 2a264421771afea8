package org.openvdi.broker.host;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.host.api.HostSelector;
import org.openvdi.broker.host.api.HostState;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.VirtType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads hosts with the number of desktops that occupy each ({@link HostOccupancy}, answered by the desktops). */
@Component
public class HostQueries {

    private final JdbcClient jdbc;
    private final HostOccupancy occupancy;

    HostQueries(JdbcClient jdbc, HostOccupancy occupancy) {
        this.jdbc = jdbc;
        this.occupancy = occupancy;
    }

    /** Two queries whatever the number of hosts: the hosts, then the desktops on each counted in one go. */
    public List<HostView> all() {
        Map<UUID, Integer> active = occupancy.activeDesktopsByHost();
        return jdbc.sql("SELECT * FROM host_view ORDER BY name")
                .query((rs, row) -> map(rs, active.getOrDefault(rs.getObject("id", UUID.class), 0))).list();
    }

    public Optional<HostView> find(UUID id) {
        int active = occupancy.activeDesktopsOn(id);
        return jdbc.sql("SELECT * FROM host_view WHERE id = ?").param(id).query((rs, row) -> map(rs, active)).optional();
    }

    /** The host with the desktops that keep it from being drained. */
    public Optional<HostView> findWithDrainBlockers(UUID id) {
        return find(id).map(host -> host.withDrainBlockers(occupancy.drainBlockers(id)));
    }

    /** The hosts in a state, by id (no desktop counts): what the desktop and pool queries filter on. */
    public Set<UUID> idsInState(HostState state) {
        return Set.copyOf(jdbc.sql("SELECT id FROM host_view WHERE state = ?").param(state.name())
                .query(UUID.class).list());
    }

    public boolean nameTaken(String name) {
        return jdbc.sql("SELECT count(*) FROM host_view WHERE name = ?").param(name).query(Long.class).single() > 0;
    }

    /** The host that takes the next desktop: up, not cordoned, below capacity, most free capacity first. */
    public Optional<HostView> placement() {
        return placement(HostSelector.ANY);
    }

    /**
     * The host that takes the next desktop of a pool with this selector: up, not cordoned, below capacity, its labels
     * matching, most free capacity first. Never a host the selector does not match.
     */
    public Optional<HostView> placement(HostSelector selector) {
        return placement(selector, null);
    }

    /** As {@link #placement(HostSelector)}, leaving out one host (the one a desktop moves away from). */
    public Optional<HostView> placement(HostSelector selector, UUID except) {
        return all().stream().filter(host -> host.acceptsDesktopsOf(selector)).filter(host -> !host.id().equals(except))
                .max(Comparator.comparingInt(HostView::freeCapacity).thenComparing(HostView::name));
    }

    /** Whether some host takes desktops now or will once its acceleration probe has decided. */
    public boolean anyHasRoom() {
        return anyHasRoom(HostSelector.ANY);
    }

    /** Whether some host matching the selector takes desktops now or will once its acceleration probe has decided. */
    public boolean anyHasRoom(HostSelector selector) {
        return all().stream().anyMatch(host -> host.hasRoom() && host.matches(selector));
    }

    /** Whether any host, whatever its state, matches the selector. */
    public boolean anyMatches(HostSelector selector) {
        return all().stream().anyMatch(host -> host.matches(selector));
    }

    /** Up hosts set to auto whose acceleration probe is due. */
    public List<HostView> awaitingAccelerationProbe() {
        Map<UUID, Integer> active = occupancy.activeDesktopsByHost();
        return jdbc.sql("SELECT * FROM host_view WHERE acceleration_probe_due AND state = ? ORDER BY registered_at")
                .param(HostState.UP.name())
                .query((rs, row) -> map(rs, active.getOrDefault(rs.getObject("id", UUID.class), 0))).list();
    }

    private static HostView map(ResultSet rs, int activeDesktops) throws SQLException {
        String effective = rs.getString("effective_virt_type");
        return new HostView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("uri"),
                VirtType.valueOf(rs.getString("virt_type")), rs.getInt("max_desktops"), rs.getString("storage_pool"),
                rs.getString("display_address"), HostState.valueOf(rs.getString("state")), rs.getBoolean("cordoned"),
                rs.getBoolean("draining"),
                rs.getString("state_reason"), activeDesktops, effective == null ? null : EffectiveVirtType.valueOf(effective),
                rs.getString("acceleration_reason"), rs.getBoolean("acceleration_probe_due"),
                rs.getTimestamp("registered_at").toInstant(),
                java.util.Arrays.asList((String[]) rs.getArray("labels").getArray()), null);
    }
}
