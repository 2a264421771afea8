package org.openvdi.broker.pool;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Reads pools with their desktop counts. */
@Component
public class PoolQueries {

    private static final String SELECT = """
            SELECT p.*,
              (SELECT count(*) FROM desktop_view d WHERE d.pool_id = p.id AND d.state <> 'DESTROYED') AS desktops,
              (SELECT count(*) FROM desktop_view d WHERE d.pool_id = p.id AND d.state = 'READY' AND d.owner IS NULL) AS ready,
              (SELECT count(*) FROM desktop_view d WHERE d.pool_id = p.id
                 AND d.state IN ('REQUESTED', 'CLONED', 'DEFINED', 'STARTED')) AS provisioning
            FROM pool_view p""";

    private final JdbcClient jdbc;

    PoolQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<PoolView> all() {
        return jdbc.sql(SELECT + " ORDER BY p.name").query(PoolQueries::map).list();
    }

    public Optional<PoolView> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE p.id = ?").param(id).query(PoolQueries::map).optional();
    }

    public boolean nameTaken(String name, UUID except) {
        return jdbc.sql("SELECT count(*) FROM pool_view WHERE name = ? AND id <> ?").params(name, except)
                .query(Long.class).single() > 0;
    }

    private static PoolView map(ResultSet rs, int row) throws SQLException {
        return new PoolView(rs.getObject("id", UUID.class), rs.getString("name"), rs.getObject("template_id", UUID.class),
                rs.getInt("template_version"), PoolType.valueOf(rs.getString("type")),
                PowerPolicy.valueOf(rs.getString("power_policy")), rs.getInt("min_spare"), rs.getInt("max_size"),
                strings(rs.getArray("entitled_users")), strings(rs.getArray("entitled_groups")), rs.getInt("desktops"),
                rs.getInt("ready"), rs.getInt("provisioning"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private static Set<String> strings(Array array) throws SQLException {
        return Set.copyOf(java.util.Arrays.asList((String[]) array.getArray()));
    }
}
