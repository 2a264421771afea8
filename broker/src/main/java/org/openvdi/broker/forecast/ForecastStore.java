package org.openvdi.broker.forecast;

import static org.openvdi.broker.store.SqlTimes.utc;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Keeps the forecast runs and their accuracy in {@code forecast_run}, one value per {@link DemandForecast#INTERVAL}
 * (its length in {@code interval_minutes}). Writing a run twice is a no-op.
 */
@Component
class ForecastStore {

    private final JdbcClient jdbc;

    ForecastStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    private static final int MINUTES = (int) DemandForecast.INTERVAL.toMinutes();

    boolean has(UUID poolId, Instant issuedAt) {
        return jdbc.sql("SELECT count(*) FROM forecast_run WHERE pool_id = ? AND issued_at = ?")
                .params(poolId, utc(issuedAt)).query(Long.class).single() > 0;
    }

    void save(UUID poolId, ModelKind model, Instant issuedAt, int historyHours, double[] perInterval, double naiveScale) {
        Double[] values = new Double[perInterval.length];
        for (int i = 0; i < perInterval.length; i++) {
            values[i] = perInterval[i];
        }
        jdbc.sql("""
                INSERT INTO forecast_run (pool_id, model, issued_at, history_hours, per_interval, interval_minutes,
                                          naive_scale)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                .params(poolId, model.name(), utc(issuedAt), historyHours, values, MINUTES, naiveScale).update();
    }

    /** The latest run of {@code model} issued at or before {@code at}. */
    Optional<StoredForecast> latest(UUID poolId, ModelKind model, Instant at) {
        return jdbc.sql("SELECT * FROM forecast_run WHERE pool_id = ? AND model = ? AND issued_at <= ?"
                        + " ORDER BY issued_at DESC LIMIT 1")
                .params(poolId, model.name(), utc(at)).query(ForecastStore::map).optional();
    }

    /** Runs of a pool issued in [{@code from}, {@code to}), oldest first. */
    List<StoredForecast> issued(UUID poolId, Instant from, Instant to) {
        return jdbc.sql("SELECT * FROM forecast_run WHERE pool_id = ? AND issued_at >= ? AND issued_at < ?"
                        + " ORDER BY issued_at, model")
                .params(poolId, utc(from), utc(to)).query(ForecastStore::map).list();
    }

    /** Runs not yet scored on their whole horizon, issued before {@code before}. */
    List<StoredForecast> unscored(Instant before) {
        return jdbc.sql("SELECT * FROM forecast_run WHERE scored_intervals < cardinality(per_interval) AND issued_at < ?"
                        + " ORDER BY issued_at LIMIT 1000")
                .param(utc(before)).query(ForecastStore::map).list();
    }

    void score(StoredForecast run, Accuracy accuracy) {
        jdbc.sql("UPDATE forecast_run SET scored_intervals = ?, mae = ?, smape = ?, mase = ?"
                        + " WHERE pool_id = ? AND model = ? AND issued_at = ?")
                .params(accuracy.intervals(), accuracy.mae(), accuracy.smape(), accuracy.mase(), run.poolId(),
                        run.model().name(), utc(run.issuedAt()))
                .update();
    }

    private static StoredForecast map(ResultSet rs, int row) throws SQLException {
        Array array = rs.getArray("per_interval");
        Double[] boxed = (Double[]) array.getArray();
        double[] values = new double[boxed.length];
        for (int i = 0; i < boxed.length; i++) {
            values[i] = boxed[i];
        }
        int scored = rs.getInt("scored_intervals");
        Accuracy accuracy = scored == 0 ? null : new Accuracy(scored, rs.getDouble("mae"), rs.getDouble("smape"),
                (Double) rs.getObject("mase"));
        return new StoredForecast(rs.getObject("pool_id", UUID.class), ModelKind.valueOf(rs.getString("model")),
                rs.getTimestamp("issued_at").toInstant(), rs.getInt("history_hours"), values, rs.getDouble("naive_scale"),
                scored, accuracy);
    }
}
