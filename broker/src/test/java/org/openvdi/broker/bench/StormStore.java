package org.openvdi.broker.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the event store says after a storm, whichever broker wrote it: how many sessions got a desktop, and whether a
 * desktop was assigned twice (two {@code DesktopAssignedEvent}s of one desktop, or one desktop named by two sessions'
 * {@code DesktopAssignedToSessionEvent}s) or a session got two desktops; how many desktops were assigned to a session
 * that never took them (stranded: neither that session's desktop nor released), and how many spares are still ready
 * (the read model). In a storm no session ends, so a floating desktop is assigned at most once.
 */
final class StormStore {

    static final String SESSIONS_WITH_A_DESKTOP = "sessions with a desktop";
    static final String DESKTOPS_ASSIGNED_TWICE = "desktops assigned twice";
    static final String DESKTOPS_OF_TWO_SESSIONS = "desktops of two sessions";
    static final String SESSIONS_WITH_TWO_DESKTOPS = "sessions with two desktops";
    static final String DESKTOPS_STRANDED = "desktops stranded";
    static final String SPARES_LEFT = "spares still ready";

    private StormStore() {
    }

    static Map<String, Long> checks(StormCluster cluster) throws SQLException {
        String assignedToSession = "FROM domainevententry WHERE payloadtype LIKE '%.DesktopAssignedToSessionEvent'";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put(SESSIONS_WITH_A_DESKTOP, "SELECT count(DISTINCT aggregateidentifier) " + assignedToSession);
        queries.put(DESKTOPS_ASSIGNED_TWICE, "SELECT count(*) FROM (SELECT aggregateidentifier FROM domainevententry"
                + " WHERE payloadtype LIKE '%.DesktopAssignedEvent' GROUP BY 1 HAVING count(*) > 1) t");
        queries.put(DESKTOPS_OF_TWO_SESSIONS, "SELECT count(*) FROM (SELECT convert_from(payload, 'UTF8')::json->>'desktopId'"
                + " " + assignedToSession + " GROUP BY 1 HAVING count(DISTINCT aggregateidentifier) > 1) t");
        queries.put(SESSIONS_WITH_TWO_DESKTOPS, "SELECT count(*) FROM (SELECT aggregateidentifier " + assignedToSession
                + " GROUP BY 1 HAVING count(DISTINCT convert_from(payload, 'UTF8')::json->>'desktopId') > 1) t");
        queries.put(DESKTOPS_STRANDED, "SELECT count(*) FROM (SELECT aggregateidentifier AS desktop,"
                + " convert_from(payload, 'UTF8')::json->>'sessionId' AS session FROM domainevententry"
                + " WHERE payloadtype LIKE '%.DesktopAssignedEvent') a WHERE NOT EXISTS (SELECT 1 FROM domainevententry r"
                + " WHERE r.aggregateidentifier = a.desktop AND r.payloadtype LIKE '%.DesktopReleasedEvent')"
                + " AND NOT EXISTS (SELECT 1 FROM domainevententry t WHERE t.aggregateidentifier = a.session"
                + " AND t.payloadtype LIKE '%.DesktopAssignedToSessionEvent'"
                + " AND convert_from(t.payload, 'UTF8')::json->>'desktopId' = a.desktop)");
        queries.put(SPARES_LEFT, "SELECT count(*) FROM desktop_view WHERE state = 'READY'");
        Map<String, Long> results = new LinkedHashMap<>();
        try (Connection c = cluster.connect(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> query : queries.entrySet()) {
                try (ResultSet r = s.executeQuery(query.getValue())) {
                    r.next();
                    results.put(query.getKey(), r.getLong(1));
                }
            }
        }
        return results;
    }

    static String describe(Map<String, Long> checks) {
        StringBuilder text = new StringBuilder("The event store after the storm:");
        checks.forEach((name, value) -> text.append(' ').append(name).append(' ').append(value).append(','));
        return text.substring(0, text.length() - 1) + ".";
    }
}
