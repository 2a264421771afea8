-- Golden-image rollouts (issue 10): the pool's rollout, each rollout's progress, its desktops and the notices
-- its users were given before a forced logoff. Every table is rebuilt from the events.
ALTER TABLE pool_view ADD COLUMN active_rollout_id UUID;

CREATE TABLE rollout_view (
    id                 UUID         PRIMARY KEY,
    pool_id            UUID         NOT NULL,
    template_id        UUID         NOT NULL,
    from_version       INT          NOT NULL,
    to_version         INT          NOT NULL,
    strategy           TEXT         NOT NULL,
    state              VARCHAR(20)  NOT NULL,
    pause_reason       VARCHAR(30),
    pause_detail       TEXT,
    canary             VARCHAR(20)  NOT NULL,
    total              INT          NOT NULL DEFAULT 0,
    canary_target      INT          NOT NULL DEFAULT 0,
    rollback_of        UUID,
    rolled_back_by     UUID,
    started_by         TEXT         NOT NULL,
    start_at           TIMESTAMPTZ  NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL,
    begun_at           TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    last_progress_at   TIMESTAMPTZ  NOT NULL,
    updated_at         TIMESTAMPTZ  NOT NULL
);
CREATE INDEX rollout_view_pool ON rollout_view (pool_id, created_at);

CREATE TABLE rollout_desktop (
    rollout_id      UUID         NOT NULL,
    desktop_id      UUID         NOT NULL,
    replacement_id  UUID,
    stage           VARCHAR(20)  NOT NULL,
    method          VARCHAR(20),
    status          VARCHAR(30)  NOT NULL,
    session_id      UUID,
    user_name       TEXT,
    logoff_at       TIMESTAMPTZ,
    reason          TEXT,
    started_at      TIMESTAMPTZ  NOT NULL,
    finished_at     TIMESTAMPTZ,
    PRIMARY KEY (rollout_id, desktop_id)
);

CREATE TABLE rollout_notice (
    rollout_id      UUID         NOT NULL,
    desktop_id      UUID         NOT NULL,
    before_seconds  BIGINT       NOT NULL,
    session_id      UUID         NOT NULL,
    user_name       TEXT         NOT NULL,
    notice          TEXT,
    logoff_at       TIMESTAMPTZ  NOT NULL,
    issued_at       TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (rollout_id, desktop_id, before_seconds)
);
CREATE INDEX rollout_notice_session ON rollout_notice (session_id);

CREATE TABLE rollout_image_deletion (
    rollout_id   UUID         NOT NULL,
    host_id      UUID         NOT NULL,
    template_id  UUID         NOT NULL,
    version      INT          NOT NULL,
    deleted_at   TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (rollout_id, host_id)
);
