-- API tokens (apitoken): one row per issued token, built from its events. Only the token's SHA-256 is kept.
CREATE TABLE api_token (
    id           UUID         PRIMARY KEY,
    user_name    TEXT         NOT NULL,
    name         TEXT         NOT NULL,
    token_sha256 CHAR(64)     NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ  NOT NULL,
    expires_at   TIMESTAMPTZ  NOT NULL,
    revoked_at   TIMESTAMPTZ,
    revoked_by   TEXT
);
CREATE INDEX api_token_user ON api_token (user_name, created_at);
