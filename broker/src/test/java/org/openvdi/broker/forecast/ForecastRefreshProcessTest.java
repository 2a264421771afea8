package org.openvdi.broker.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvdi.broker.store.SqlTimes.utc;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.testsupport.ProcessHarness;

/**
 * The scheduled forecast refresh, driven directly on the shared embedded PostgreSQL: every pool with 24 hours of
 * recorded requests gets one run per model for the hour, a pool without them gets none, a second refresh in the same
 * hour adds nothing, and a run made earlier is scored on the hours since. The demand rows are written as the demand
 * projection writes them (its own test checks that it does).
 */
class ForecastRefreshProcessTest {

    static ProcessHarness harness;
    static final UUID BUSY = UUID.randomUUID();
    static final UUID NEW = UUID.randomUUID();

    @BeforeAll
    static void start() {
        harness = ProcessHarness.start(ForecastStore.class, Forecasts.class, ForecastRefresh.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void twoPools() {
        harness.reset();
        harness.given(created(BUSY, "busy"), created(NEW, "new"));
        Instant now = Instant.now();
        for (int hour = 1; hour <= 72; hour++) {
            request(BUSY, now.minus(Duration.ofHours(hour)).plusSeconds(7));
        }
        request(NEW, now.minus(Duration.ofHours(3)));
    }

    @Test
    void givenTwoPools_whenRefreshedTwice_thenOneRunPerModelForThePoolWithHistoryOnly() {
        ForecastRefresh refresh = harness.bean(ForecastRefresh.class);

        refresh.refresh();
        refresh.refresh();

        assertThat(runs(BUSY)).isEqualTo(2);
        assertThat(runs(NEW)).isZero();
    }

    @Test
    void givenARunMadeADayAgo_whenRefreshed_thenItIsScoredOnTheQuarterHoursSince() {
        Instant dayAgo = Instant.now().minus(Duration.ofHours(24));
        harness.bean(Forecasts.class).refresh(BUSY, dayAgo);

        harness.bean(ForecastRefresh.class).refresh();

        Integer scored = harness.jdbc().sql("SELECT min(scored_intervals) FROM forecast_run WHERE pool_id = ? AND issued_at < ?")
                .params(BUSY, utc(DemandForecast.hourOf(Instant.now()))).query(Integer.class).single();
        assertThat(scored).as("quarter hours").isBetween(4 * 23, 4 * 25);
        Double mae = harness.jdbc().sql("SELECT max(mae) FROM forecast_run WHERE pool_id = ? AND scored_intervals > 0")
                .param(BUSY).query(Double.class).single();
        assertThat(mae).as("one request every hour: both models are nearly exact").isLessThan(0.5);
    }

    private static long runs(UUID pool) {
        return harness.jdbc().sql("SELECT count(*) FROM forecast_run WHERE pool_id = ? AND issued_at = ?")
                .params(pool, utc(DemandForecast.hourOf(Instant.now()))).query(Long.class).single();
    }

    private static void request(UUID pool, Instant at) {
        harness.jdbc().sql("INSERT INTO demand_request (session_id, pool_id, requested_at) VALUES (?, ?, ?)")
                .params(UUID.randomUUID(), pool, utc(at)).update();
    }

    private static PoolCreatedEvent created(UUID id, String name) {
        return new PoolCreatedEvent(id, name + "-" + id, UUID.randomUUID(), 1, PoolType.FLOATING, PowerPolicy.KEEP_RUNNING,
                0, 10, Set.of("alice"), Set.of(), "admin", false, null);
    }
}
