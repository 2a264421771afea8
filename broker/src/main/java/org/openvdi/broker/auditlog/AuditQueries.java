package org.openvdi.broker.auditlog;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/** Runs the audit lists: one page at a time, or every row streamed with a bounded fetch size (never all in memory). */
@Component
class AuditQueries {

    private final NamedParameterJdbcTemplate paged;
    private final NamedParameterJdbcTemplate streamed;
    private final TransactionTemplate readOnly;

    AuditQueries(DataSource dataSource, PlatformTransactionManager transactions, AuditLogSettings settings) {
        this.paged = new NamedParameterJdbcTemplate(dataSource);
        JdbcTemplate fetching = new JdbcTemplate(dataSource);
        fetching.setFetchSize(settings.fetchSize());
        this.streamed = new NamedParameterJdbcTemplate(fetching);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.readOnly.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** A page: its rows, and the position after the last one when more follow (null when this page is the last). */
    record Page<R>(List<R> items, AuditParameters.Cursor next) {
    }

    <R> Page<R> page(AuditQuery<R> query, AuditParameters.Cursor after, int limit) {
        Map<String, Object> params = new HashMap<>(query.params);
        if (after != null) {
            params.put("cursorAt", utc(after.at()));
            params.put("cursorId", after.id());
        }
        params.put("limit", limit + 1);
        List<R> rows = paged.query(query.sql(after != null, true), params, query.rows);
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<R> page = rows.subList(0, limit);
        return new Page<>(List.copyOf(page), query.position.apply(page.get(limit - 1)));
    }

    /**
     * Hands every matching row to {@code sink} in order, reading them from PostgreSQL a fetch at a time inside a
     * read-only transaction (PostgreSQL's driver only streams inside one). Answers how many rows it handed over.
     */
    <R> long stream(AuditQuery<R> query, Consumer<R> sink) {
        Long count = readOnly.execute(status -> {
            long[] n = {0};
            streamed.query(query.sql(false, false), query.params, rs -> {
                sink.accept(query.rows.mapRow(rs, (int) n[0]));
                n[0]++;
            });
            return n[0];
        });
        return count == null ? 0 : count;
    }
}
