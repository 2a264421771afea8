package org.openvdi.broker.desktop;

import static org.openvdi.broker.desktop.api.DesktopState.ASSIGNED;
import static org.openvdi.broker.desktop.api.DesktopState.CLONED;
import static org.openvdi.broker.desktop.api.DesktopState.DEFINED;
import static org.openvdi.broker.desktop.api.DesktopState.FAILED;
import static org.openvdi.broker.desktop.api.DesktopState.LOST;
import static org.openvdi.broker.desktop.api.DesktopState.POWERED_OFF;
import static org.openvdi.broker.desktop.api.DesktopState.READY;
import static org.openvdi.broker.desktop.api.DesktopState.RECYCLING;
import static org.openvdi.broker.desktop.api.DesktopState.REQUESTED;
import static org.openvdi.broker.desktop.api.DesktopState.STARTED;
import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.desktop.api.DesktopMovePhase;
import org.openvdi.broker.desktop.api.DesktopState;
import org.openvdi.broker.host.DrainBlockers;
import org.openvdi.broker.host.HostOccupancy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reads desktops: the one reader of {@code desktop_view}. Other features ask here, the host feature through
 * {@link HostOccupancy}. States are bound as parameters by name, never written into the SQL.
 */
@Component
public class DesktopQueries implements HostOccupancy {

    /** Every state but this one occupies its host and counts against its pool's size. */
    private static final String DESTROYED = DesktopState.DESTROYED.name();
    private static final List<String> PROVISIONING = names(REQUESTED, CLONED, DEFINED, STARTED);
    /** States of a desktop that no session will ever use again. */
    private static final List<String> UNUSABLE = names(DesktopState.DESTROYED, FAILED, LOST, RECYCLING);

    private final JdbcClient jdbc;

    DesktopQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<DesktopView> all(UUID poolId, boolean includeDestroyed) {
        String where = (poolId == null ? "TRUE" : "pool_id = :pool") + (includeDestroyed ? "" : " AND state <> :destroyed");
        var spec = jdbc.sql("SELECT * FROM desktop_view WHERE " + where + " ORDER BY requested_at");
        if (poolId != null) {
            spec = spec.param("pool", poolId);
        }
        if (!includeDestroyed) {
            spec = spec.param("destroyed", DESTROYED);
        }
        return spec.query(DesktopQueries::map).list();
    }

    public Optional<DesktopView> find(UUID id) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE id = ?").param(id).query(DesktopQueries::map).optional();
    }

    public List<DesktopView> inStates(List<DesktopState> states) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE state IN (:states) ORDER BY requested_at")
                .param("states", states.stream().map(Enum::name).toList()).query(DesktopQueries::map).list();
    }

    public List<DesktopView> onHost(UUID hostId) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE host_id = ? AND state <> ?").params(hostId, DESTROYED)
                .query(DesktopQueries::map).list();
    }

    /**
     * Ready, unowned desktops of a pool on one of {@code hosts} (the hosts that are up), oldest first: the
     * spares a session can take.
     */
    public List<DesktopView> readySpares(UUID poolId, Collection<UUID> hosts) {
        if (hosts.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                SELECT * FROM desktop_view
                WHERE pool_id = :pool AND state = :ready AND owner IS NULL AND host_id IN (:hosts) ORDER BY ready_at""")
                .param("pool", poolId).param("ready", READY.name()).param("hosts", hosts)
                .query(DesktopQueries::map).list();
    }

    /**
     * Claims the oldest ready, unowned desktop of a pool for the caller's transaction, one not in {@code passed}: on
     * one of {@code hosts} (those that are up), and trusted: it became ready after {@code readySince}, or its host is
     * one of {@code inventoriedHosts}. The row stays locked until the transaction ends, and a concurrent claim, of this
     * broker or another, skips it and takes the next one: spares are handed out like a queue, without two allocations
     * trying the same one. Needs a transaction.
     */
    public Optional<DesktopView> claimReadySpare(UUID poolId, Collection<UUID> hosts, Instant readySince,
                                                 Collection<UUID> inventoriedHosts, Collection<UUID> passed) {
        if (hosts.isEmpty()) {
            return Optional.empty();
        }
        String sql = """
                SELECT * FROM desktop_view
                WHERE pool_id = :pool AND state = :ready AND owner IS NULL AND host_id IN (:hosts)
                  AND (ready_at > :since%s)%s
                ORDER BY ready_at LIMIT 1 FOR UPDATE SKIP LOCKED""".formatted(
                inventoriedHosts.isEmpty() ? "" : " OR host_id IN (:inventoried)",
                passed.isEmpty() ? "" : " AND id NOT IN (:passed)");
        var spec = jdbc.sql(sql).param("pool", poolId).param("ready", READY.name()).param("hosts", hosts)
                .param("since", Timestamp.from(readySince));
        if (!inventoriedHosts.isEmpty()) {
            spec = spec.param("inventoried", inventoriedHosts);
        }
        if (!passed.isEmpty()) {
            spec = spec.param("passed", passed);
        }
        return spec.query(DesktopQueries::map).optional();
    }

    /**
     * The desktops whose own record says they are assigned to this session. Normally none or the session's own one;
     * more, or one the session does not hold, when an allocation stopped between the desktop's assignment and the
     * session's (a broker died, or the database went away in between).
     */
    public List<DesktopView> assignedTo(UUID sessionId) {
        return jdbc.sql("SELECT * FROM desktop_view WHERE session_id = :session AND state = :assigned ORDER BY updated_at")
                .param("session", sessionId).param("assigned", ASSIGNED.name()).query(DesktopQueries::map).list();
    }

    /** The persistent desktop a user owns in a pool, if any. */
    public Optional<DesktopView> ownedBy(UUID poolId, String user) {
        // one per user is the rule; should a race ever give a user two, the most usable one is theirs
        return jdbc.sql("""
                        SELECT * FROM desktop_view WHERE pool_id = :pool AND owner = :user AND state NOT IN (:unusable)
                        ORDER BY CASE WHEN state = :ready THEN 0 WHEN state IN (:resting) THEN 1 WHEN state = :assigned THEN 3 ELSE 2 END,
                                 requested_at
                        LIMIT 1""")
                .param("pool", poolId).param("user", user).param("unusable", UNUSABLE).param("ready", READY.name())
                .param("resting", names(POWERED_OFF, DesktopState.SUSPENDING, DesktopState.SUSPENDED)).param("assigned", ASSIGNED.name())
                .query(DesktopQueries::map).optional();
    }

    @Override
    public Map<UUID, Integer> activeDesktopsByHost() {
        Map<UUID, Integer> counts = new HashMap<>();
        jdbc.sql("SELECT host_id, count(*) AS n FROM desktop_view WHERE state <> ? GROUP BY host_id").param(DESTROYED)
                .query((rs, row) -> counts.put(rs.getObject("host_id", UUID.class), rs.getInt("n"))).list();
        return counts;
    }

    /**
     * What keeps a host from being drained: its desktops in use, moving away, running or suspended persistent ones
     * (they move at their next power-off), powered-off ones not moving yet, and any being built or torn down.
     */
    @Override
    public DrainBlockers drainBlockers(UUID hostId) {
        List<UUID> inUse = new ArrayList<>();
        List<UUID> moving = new ArrayList<>();
        List<UUID> awaitingPowerOff = new ArrayList<>();
        List<UUID> awaitingMove = new ArrayList<>();
        List<UUID> settling = new ArrayList<>();
        for (DesktopView desktop : onHost(hostId)) {
            switch (desktop.state()) {
                case ASSIGNED -> inUse.add(desktop.id());
                case MOVING -> moving.add(desktop.id());
                case POWERED_OFF -> awaitingMove.add(desktop.id());
                case READY, SUSPENDING, SUSPENDED -> (desktop.owner() != null ? awaitingPowerOff : settling).add(desktop.id());
                default -> settling.add(desktop.id());
            }
        }
        return new DrainBlockers(inUse, moving, awaitingPowerOff, awaitingMove, settling);
    }

    /** Desktops moving to a host (they take its room once they arrive). */
    public int movingTo(UUID hostId) {
        return jdbc.sql("SELECT count(*) FROM desktop_view WHERE move_to_host = ? AND state = ?")
                .params(hostId, DesktopState.MOVING.name()).query(Long.class).single().intValue();
    }

    @Override
    public int activeDesktopsOn(UUID hostId) {
        return jdbc.sql("SELECT count(*) FROM desktop_view WHERE host_id = ? AND state <> ?").params(hostId, DESTROYED)
                .query(Long.class).single().intValue();
    }

    /**
     * Desktops not destroyed that run (or will run) version {@code version} of a template, in one pool and on one
     * host when these are given (null: any).
     */
    public int countOnVersion(UUID templateId, int version, UUID poolId, UUID hostId) {
        var spec = jdbc.sql("""
                SELECT count(*) FROM desktop_view WHERE template_id = :template AND template_version = :version
                  AND state <> :destroyed AND (CAST(:pool AS uuid) IS NULL OR pool_id = :pool)
                  AND (CAST(:host AS uuid) IS NULL OR host_id = :host)""")
                .param("template", templateId).param("version", version).param("destroyed", DESTROYED)
                .param("pool", poolId, java.sql.Types.OTHER).param("host", hostId, java.sql.Types.OTHER);
        return spec.query(Long.class).single().intValue();
    }

    /** What a pool holds now, as its admins see it. */
    public record PoolDesktops(int desktops, int readySpares, int provisioning) {

        public static final PoolDesktops NONE = new PoolDesktops(0, 0, 0);
    }

    /** {@link PoolDesktops} of every pool that has desktops, counted in one query. */
    public Map<UUID, PoolDesktops> countsByPool() {
        return poolCounts("TRUE", null);
    }

    /** {@link PoolDesktops} of one pool. */
    public PoolDesktops countsOf(UUID poolId) {
        return poolCounts("pool_id = :pool", poolId).getOrDefault(poolId, PoolDesktops.NONE);
    }

    private Map<UUID, PoolDesktops> poolCounts(String where, UUID poolId) {
        var spec = jdbc.sql("""
                SELECT pool_id,
                  count(*) FILTER (WHERE state <> :destroyed) AS desktops,
                  count(*) FILTER (WHERE state = :ready AND owner IS NULL) AS ready,
                  count(*) FILTER (WHERE state IN (:provisioning)) AS provisioning
                FROM desktop_view WHERE %s GROUP BY pool_id""".formatted(where))
                .param("destroyed", DESTROYED).param("ready", READY.name()).param("provisioning", PROVISIONING);
        if (poolId != null) {
            spec = spec.param("pool", poolId);
        }
        Map<UUID, PoolDesktops> counts = new HashMap<>();
        spec.query((rs, row) -> counts.put(rs.getObject("pool_id", UUID.class),
                new PoolDesktops(rs.getInt("desktops"), rs.getInt("ready"), rs.getInt("provisioning")))).list();
        return counts;
    }

    /**
     * Desktops that count against a pool's maximum size: every one not destroyed, except those waiting to be torn
     * down on a host in {@code downHosts}, which cannot be torn down until their host returns and must not keep the
     * pool from replacing them on another host meanwhile.
     */
    public int countOccupying(UUID poolId, Collection<UUID> downHosts) {
        String onDownHost = downHosts.isEmpty() ? "" : " AND NOT (state IN (:teardown) AND host_id IN (:down))";
        var spec = jdbc.sql("SELECT count(*) FROM desktop_view WHERE pool_id = :pool AND state <> :destroyed" + onDownHost)
                .param("pool", poolId).param("destroyed", DESTROYED);
        if (!downHosts.isEmpty()) {
            spec = spec.param("teardown", names(RECYCLING, FAILED, LOST)).param("down", downHosts);
        }
        return spec.query(Long.class).single().intValue();
    }

    /** Unowned desktops of a pool that are ready or on their way: what waiting sessions can take. */
    public int countUnownedAvailable(UUID poolId) {
        List<String> available = new ArrayList<>(PROVISIONING);
        available.add(READY.name());
        return jdbc.sql("SELECT count(*) FROM desktop_view WHERE pool_id = :pool AND owner IS NULL AND state IN (:states)")
                .param("pool", poolId).param("states", available).query(Long.class).single().intValue();
    }

    /** Which of these sessions a desktop is assigned to already. */
    public Set<UUID> sessionsWithDesktop(Collection<UUID> sessionIds) {
        if (sessionIds.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("SELECT DISTINCT session_id FROM desktop_view WHERE session_id IN (:sessions)")
                .param("sessions", sessionIds).query(UUID.class).list());
    }

    /** Users who own a desktop of the pool that can still serve them. */
    public Set<String> ownersWithUsableDesktop(UUID poolId) {
        return Set.copyOf(jdbc.sql("""
                SELECT DISTINCT owner FROM desktop_view
                WHERE pool_id = :pool AND owner IS NOT NULL AND state NOT IN (:unusable)""")
                .param("pool", poolId).param("unusable", UNUSABLE).query(String.class).list());
    }

    /**
     * The stays on {@code hostIds} of the desktops of every pool but {@code poolId} that overlap {@code from} to
     * {@code to}, in the order they began.
     */
    public List<DesktopStay> staysOfOtherPools(UUID poolId, Collection<UUID> hostIds, Instant from, Instant to) {
        if (hostIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT id, pool_id, host_id, requested_at, CASE WHEN state = :destroyed THEN updated_at END AS until
                          FROM desktop_view
                         WHERE pool_id <> :pool AND host_id IN (:hosts) AND requested_at < :to
                           AND (state <> :destroyed OR updated_at > :from)
                         ORDER BY requested_at, id""")
                .param("destroyed", DESTROYED).param("pool", poolId).param("hosts", hostIds)
                .param("from", utc(from)).param("to", utc(to))
                .query((rs, row) -> new DesktopStay(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                        rs.getObject("host_id", UUID.class), instant(rs.getTimestamp("requested_at")),
                        instant(rs.getTimestamp("until")))).list();
    }

    /** Desktops by state, every state present (zero when none). */
    public Map<DesktopState, Long> countByState() {
        Map<DesktopState, Long> counts = new EnumMap<>(DesktopState.class);
        for (DesktopState state : DesktopState.values()) {
            counts.put(state, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM desktop_view GROUP BY state")
                .query((rs, row) -> counts.put(DesktopState.valueOf(rs.getString("state")), rs.getLong("n"))).list();
        return counts;
    }

    private static List<String> names(DesktopState... states) {
        return Arrays.stream(states).map(Enum::name).toList();
    }

    private static DesktopView map(ResultSet rs, int row) throws SQLException {
        return new DesktopView(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                rs.getObject("host_id", UUID.class), rs.getObject("template_id", UUID.class), rs.getInt("template_version"),
                DesktopState.valueOf(rs.getString("state")), rs.getObject("session_id", UUID.class),
                rs.getString("assigned_user"), rs.getString("owner"), rs.getString("display_host"),
                (Integer) rs.getObject("display_port"), rs.getString("failure_reason"), instant(rs.getTimestamp("requested_at")),
                instant(rs.getTimestamp("ready_at")), instant(rs.getTimestamp("updated_at")),
                (Integer) rs.getObject("user_disk_gib"), instant(rs.getTimestamp("guest_agent_at")),
                rs.getBoolean("keep_user_disk"), rs.getObject("move_to_host", UUID.class),
                rs.getString("move_phase") == null ? null : DesktopMovePhase.valueOf(rs.getString("move_phase")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
