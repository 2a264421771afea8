package org.openvdi.broker.backtest;

import static org.openvdi.broker.store.SqlTimes.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.openvdi.broker.backtest.api.BacktestRecordedEvent;
import org.openvdi.broker.store.ReadModelReset;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Keeps {@code backtest_run} in step with the backtests recorded: one row per backtest, its results as JSON. */
@Component
@ProcessingGroup("projections")
class BacktestProjection {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    BacktestProjection(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(BacktestRecordedEvent e, @Timestamp Instant at) throws JsonProcessingException {
        jdbc.sql("""
                        INSERT INTO backtest_run (id, pool_id, requested_by, requested_at, period_from, period_to, requests,
                            lead_times, lead_time_p50_seconds, max_size, millis, results)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")
                .params(e.backtestId(), e.poolId(), e.requestedBy(), utc(at), utc(e.from()), utc(e.to()), e.requests(),
                        e.leadTimes(), e.leadTimeP50Seconds(), e.maxSize(), e.millis(),
                        json.writeValueAsString(e.results()))
                .update();
    }

    @ResetHandler
    void reset() {
        ReadModelReset.empty(jdbc, "backtest_run");
    }
}
