-- Share links of sessions, by id and by the hash of their secret (never the secret): who may join, until when, and
-- who joined from where. A projection of the session events, rebuilt by replaying them.
CREATE TABLE session_share (
    share_id      UUID         PRIMARY KEY,
    session_id    UUID         NOT NULL,
    token_hash    CHAR(64)     NOT NULL UNIQUE,
    owner_name    VARCHAR(100) NOT NULL,
    mode          VARCHAR(10)  NOT NULL,
    state         VARCHAR(10)  NOT NULL,
    viewer_name   VARCHAR(100),
    expires_at    TIMESTAMPTZ  NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    joined_by     VARCHAR(100),
    joined_from   VARCHAR(200),
    joined_at     TIMESTAMPTZ,
    watching      BOOLEAN      NOT NULL DEFAULT FALSE,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX session_share_session ON session_share (session_id, created_at);
