-- Counters of the sign-in throttle and the per-user limits, shared by every broker on this database.
-- Owned by the limits feature. One row per kind and subject: a user name is stored only as the hex
-- SHA-256 of its UTF-8 bytes (attacker-chosen names are never stored), a client address as given
-- by the servlet container, cut at 64 characters. A window starts with its first hit and ends
-- `window` later; rows past their window and their ban are deleted by the broker periodically.
-- Not a projection: it is not rebuilt from the event store (bans that start are recorded as events).
CREATE TABLE limit_counter (
    kind          VARCHAR(20) NOT NULL,
    subject       VARCHAR(64) NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    hits          INTEGER     NOT NULL,
    banned_until  TIMESTAMPTZ,
    expires_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX limit_counter_expires ON limit_counter (expires_at);
