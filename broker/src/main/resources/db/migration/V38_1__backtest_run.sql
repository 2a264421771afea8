-- Owned by the backtest feature. The backtests admins ran (BacktestRecordedEvent), newest first per pool: the period,
-- what was replayed, and each policy with its figures (a JSON array, in the order asked).
CREATE TABLE backtest_run (
    id                    UUID PRIMARY KEY,
    pool_id               UUID             NOT NULL,
    requested_by          VARCHAR(200)     NOT NULL,
    requested_at          TIMESTAMPTZ      NOT NULL,
    period_from           TIMESTAMPTZ      NOT NULL,
    period_to             TIMESTAMPTZ      NOT NULL,
    requests              INTEGER          NOT NULL,
    lead_times            INTEGER          NOT NULL,
    lead_time_p50_seconds DOUBLE PRECISION NOT NULL,
    max_size              INTEGER          NOT NULL,
    millis                BIGINT           NOT NULL,
    results               TEXT             NOT NULL
);
CREATE INDEX backtest_run_pool ON backtest_run (pool_id, requested_at DESC, id DESC);
