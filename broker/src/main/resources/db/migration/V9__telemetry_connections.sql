-- Connections the broker handed out at redemption, by the hash of their secret id: a gateway's telemetry
-- record is accepted only for one of these, from the gateway that redeemed it and about its session.
-- A projection of ConnectionTokenRedeemedEvent (rebuilt by replaying it); the ids themselves are never stored.
CREATE TABLE telemetry_connection (
    connection_hash CHAR(64)     PRIMARY KEY,
    session_id      UUID         NOT NULL,
    gateway_id      VARCHAR(200) NOT NULL,
    redeemed_at     TIMESTAMPTZ  NOT NULL
);
CREATE INDEX telemetry_connection_session ON telemetry_connection (session_id);
