package org.openvdi.broker.backtest;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.backtest.api.BacktestPolicyFigures;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The recorded backtests of a pool ({@code backtest_run}), newest first. */
@Component
class BacktestQueries {

    private static final TypeReference<List<BacktestPolicyFigures>> FIGURES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    BacktestQueries(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<BacktestReport> find(UUID poolId, UUID id) {
        return jdbc.sql("SELECT * FROM backtest_run WHERE id = ? AND pool_id = ?").params(id, poolId)
                .query(this::map).optional();
    }

    /**
     * Up to {@code limit} backtests of the pool, newest first, after the position {@code (beforeAt, beforeId)} of the
     * previous page when given.
     */
    List<BacktestReport> page(UUID poolId, Instant beforeAt, UUID beforeId, int limit) {
        return jdbc.sql("SELECT * FROM backtest_run WHERE pool_id = :pool"
                        + " AND (CAST(:at AS TIMESTAMPTZ) IS NULL OR (requested_at, id) < (CAST(:at AS TIMESTAMPTZ), CAST(:id AS UUID)))"
                        + " ORDER BY requested_at DESC, id DESC LIMIT :limit")
                .param("pool", poolId).param("at", beforeAt == null ? null : utc(beforeAt)).param("id", beforeId)
                .param("limit", limit).query(this::map).list();
    }

    private BacktestReport map(ResultSet rs, int row) throws SQLException {
        List<BacktestPolicyFigures> figures;
        try {
            figures = json.readValue(rs.getString("results"), FIGURES);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return new BacktestReport(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                rs.getString("requested_by"), rs.getTimestamp("requested_at").toInstant(),
                rs.getTimestamp("period_from").toInstant(), rs.getTimestamp("period_to").toInstant(),
                rs.getInt("requests"), rs.getInt("lead_times"), rs.getDouble("lead_time_p50_seconds"),
                rs.getInt("max_size"), rs.getLong("millis"), figures.stream().map(PolicyResult::of).toList());
    }
}
