-- Session recordings (issue 11, item 5): a pool's recording setting and one row per recorded connection.
-- Rebuilt from the pool and recording events.
ALTER TABLE pool_view ADD COLUMN recording BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE recording_view (
    id              UUID         PRIMARY KEY,
    session_id      UUID         NOT NULL,
    desktop_id      UUID         NOT NULL,
    pool_id         UUID         NOT NULL,
    user_name       TEXT         NOT NULL,
    file_name       TEXT         NOT NULL,
    state           VARCHAR(20)  NOT NULL,
    size_bytes      BIGINT,
    sha256          VARCHAR(64),
    started_at      TIMESTAMPTZ  NOT NULL,
    stored_at       TIMESTAMPTZ,
    missing_reason  TEXT,
    plays           INT          NOT NULL DEFAULT 0,
    deleted_at      TIMESTAMPTZ,
    deleted_reason  VARCHAR(20),
    deleted_by      TEXT
);
CREATE INDEX recording_view_session ON recording_view (session_id, started_at);
CREATE INDEX recording_view_state ON recording_view (state, started_at);
