-- Demand forecasts (forecast/ForecastStore): derived from the demand history, never from the events directly, and
-- recomputable from it. One row per pool, model and hour the forecast starts at (the broker refreshes hourly); the
-- accuracy columns score it against the requests of the hours that have since happened (scored_hours of them).
CREATE TABLE forecast_run (
    pool_id       UUID             NOT NULL,
    model         VARCHAR(32)      NOT NULL,
    issued_at     TIMESTAMPTZ      NOT NULL,
    history_hours INTEGER          NOT NULL,
    per_hour      DOUBLE PRECISION[] NOT NULL,
    naive_scale   DOUBLE PRECISION NOT NULL,
    scored_hours  INTEGER          NOT NULL DEFAULT 0,
    mae           DOUBLE PRECISION,
    smape         DOUBLE PRECISION,
    mase          DOUBLE PRECISION,
    PRIMARY KEY (pool_id, model, issued_at)
);
CREATE INDEX forecast_run_unscored ON forecast_run (issued_at) WHERE scored_hours < 48;
