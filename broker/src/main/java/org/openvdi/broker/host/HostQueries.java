package org.openvdi.broker.host;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.hypervisor.EffectiveVirtType;
import org.openvdi.broker.hypervisor.VirtType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads hosts with the number of desktops that occupy each. */
@Component
public class HostQueries {

    private static final String SELECT = """
            SELECT h.*, (SELECT count(*) FROM desktop_view d WHERE d.host_id = h.id AND d.state <> 'DESTROYED') AS active
            FROM host_view h""";

    private final JdbcClient jdbc;

    HostQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<HostView> all() {
        return jdbc.sql(SELECT + " ORDER BY h.name").query(HostQueries::map).list();
    }

    public Optional<HostView> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE h.id = ?").param(id).query(HostQueries::map).optional();
    }

    public boolean nameTaken(String name) {
        return jdbc.sql("SELECT count(*) FROM host_view WHERE name = ?").param(name).query(Long.class).single() > 0;
    }

    /** The host that takes the next desktop: up, not cordoned, below capacity, most free capacity first. */
    public Optional<HostView> placement() {
        return all().stream().filter(HostView::acceptsDesktops)
                .max(Comparator.comparingInt(HostView::freeCapacity).thenComparing(HostView::name));
    }

    /** Whether some host takes desktops now or will once its acceleration probe has decided. */
    public boolean anyHasRoom() {
        return all().stream().anyMatch(HostView::hasRoom);
    }

    /** Up hosts set to auto whose acceleration probe is due. */
    public List<HostView> awaitingAccelerationProbe() {
        return jdbc.sql(SELECT + " WHERE h.acceleration_probe_due AND h.state = 'UP' ORDER BY h.registered_at")
                .query(HostQueries::map).list();
    }

    private static HostView map(ResultSet rs, int row) throws SQLException {
        String effective = rs.getString("effective_virt_type");
        return new HostView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("uri"),
                VirtType.valueOf(rs.getString("virt_type")), rs.getInt("max_desktops"), rs.getString("storage_pool"),
                rs.getString("display_address"), rs.getString("state"), rs.getBoolean("cordoned"), rs.getBoolean("draining"),
                rs.getString("state_reason"), rs.getInt("active"), effective == null ? null : EffectiveVirtType.valueOf(effective),
                rs.getString("acceleration_reason"), rs.getBoolean("acceleration_probe_due"),
                rs.getTimestamp("registered_at").toInstant());
    }
}
