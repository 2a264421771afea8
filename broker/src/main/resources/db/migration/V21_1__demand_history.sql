-- Demand history (demand/DemandProjection), built only from events by the pooled streaming processor "demand" and
-- rebuildable from the event store (demand/DemandReplay rebuilds it into shadow tables and compares). Every time is
-- an event's timestamp, never the database's clock, so a replay yields the same rows.

-- Per pool and 5-minute bucket. Requests, warm hits, cold starts and failures count in the bucket of the request.
-- Sessions and spares count the closed intervals (a session holding a desktop, a READY unowned desktop nobody
-- holds) that overlap the bucket, with the milliseconds of overlap; intervals still open are added when read.
CREATE TABLE demand_bucket (
    pool_id       UUID        NOT NULL,
    bucket_start  TIMESTAMPTZ NOT NULL,
    requests      INTEGER     NOT NULL DEFAULT 0,
    warm_hits     INTEGER     NOT NULL DEFAULT 0,
    cold_starts   INTEGER     NOT NULL DEFAULT 0,
    failed        INTEGER     NOT NULL DEFAULT 0,
    cold_wait_ms  BIGINT      NOT NULL DEFAULT 0,
    sessions      INTEGER     NOT NULL DEFAULT 0,
    session_ms    BIGINT      NOT NULL DEFAULT 0,
    spares        INTEGER     NOT NULL DEFAULT 0,
    idle_spare_ms BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, bucket_start)
);

-- One row per session request, so that a backtest can replay the recorded request stream with real timestamps:
-- when it was asked for, when it got a READY desktop, whether that desktop was ready before the request (warm),
-- how long the user waited, and when the session ended.
CREATE TABLE demand_request (
    session_id   UUID        NOT NULL PRIMARY KEY,
    pool_id      UUID        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    desktop_id   UUID,
    ready_at     TIMESTAMPTZ,
    warm         BOOLEAN,
    wait_ms      BIGINT,
    ended_at     TIMESTAMPTZ,
    failed       BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE INDEX demand_request_pool_time ON demand_request (pool_id, requested_at);

-- What the projection knows of each desktop: its pool, whether a user owns it (then it is never a spare), when its
-- provisioning began, when it last became READY, and since when it is an unheld READY spare.
CREATE TABLE demand_desktop (
    desktop_id         UUID        NOT NULL PRIMARY KEY,
    pool_id            UUID        NOT NULL,
    owned              BOOLEAN     NOT NULL,
    provisioning_since TIMESTAMPTZ,
    ready_at           TIMESTAMPTZ,
    spare_since        TIMESTAMPTZ
);

-- One row per provisioning that reached READY: the lead time from its request to READY.
CREATE TABLE demand_lead_time (
    desktop_id   UUID        NOT NULL,
    pool_id      UUID        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL,
    ready_at     TIMESTAMPTZ NOT NULL,
    lead_ms      BIGINT      NOT NULL,
    PRIMARY KEY (desktop_id, ready_at)
);
CREATE INDEX demand_lead_time_pool_time ON demand_lead_time (pool_id, ready_at);
