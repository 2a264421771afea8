-- One-time connection tokens by hash: which session a presented token belongs to. A projection
-- of the session events (rebuilt by replaying them); the tokens themselves are never stored.
CREATE TABLE connection_token (
    token_hash  CHAR(64)     PRIMARY KEY,
    token_id    UUID         NOT NULL,
    session_id  UUID         NOT NULL,
    user_name   VARCHAR(100) NOT NULL,
    expires_at  TIMESTAMPTZ  NOT NULL,
    redeemed    BOOLEAN      NOT NULL DEFAULT FALSE,
    issued_at   TIMESTAMPTZ  NOT NULL
);
CREATE INDEX connection_token_session ON connection_token (session_id);
CREATE INDEX connection_token_expires ON connection_token (expires_at);

-- Gateway telemetry records (Kafka topic openvdi.connections) already recorded on their session,
-- written in the same transaction as the session's event: a record delivered twice is recorded once.
-- Not a projection: it is not rebuilt from the event store.
CREATE TABLE processed_telemetry (
    event_id     UUID        PRIMARY KEY,
    session_id   UUID        NOT NULL,
    type         VARCHAR(10) NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX processed_telemetry_at ON processed_telemetry (processed_at);
