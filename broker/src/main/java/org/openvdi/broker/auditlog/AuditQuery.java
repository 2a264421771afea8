package org.openvdi.broker.auditlog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openvdi.broker.auditlog.api.AuditQueryKind;
import org.springframework.jdbc.core.RowMapper;

/**
 * One audit list with its filters bound: rows of {@code from} (a table with its joins, fixed in code) matching every
 * condition, in the order of {@code timeColumn} then {@code idColumn}. Values only ever travel as parameters.
 */
final class AuditQuery<R> {

    final AuditQueryKind kind;
    final String columns;
    final String from;
    final String timeColumn;
    final String idColumn;
    final String idType;
    final RowMapper<R> rows;
    final Function<R, AuditParameters.Cursor> position;
    final List<String> conditions = new ArrayList<>();
    final Map<String, Object> params = new LinkedHashMap<>();

    AuditQuery(AuditQueryKind kind, String columns, String from, String timeColumn, String idColumn, String idType,
               RowMapper<R> rows, Function<R, AuditParameters.Cursor> position) {
        this.kind = kind;
        this.columns = columns;
        this.from = from;
        this.timeColumn = timeColumn;
        this.idColumn = idColumn;
        this.idType = idType;
        this.rows = rows;
        this.position = position;
    }

    /** Adds {@code condition} (naming {@code :name}) when {@code value} is given. */
    AuditQuery<R> where(String condition, String name, Object value) {
        if (value != null) {
            conditions.add(condition);
            params.put(name, value);
        }
        return this;
    }

    String sql(boolean afterCursor, boolean limited) {
        List<String> all = new ArrayList<>(conditions);
        if (afterCursor) {
            all.add("(" + timeColumn + ", " + idColumn + ") > (:cursorAt, CAST(:cursorId AS " + idType + "))");
        }
        return "SELECT " + columns + " FROM " + from + (all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all))
                + " ORDER BY " + timeColumn + ", " + idColumn + (limited ? " LIMIT :limit" : "");
    }
}
