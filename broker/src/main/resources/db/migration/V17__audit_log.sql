-- Audit read models (auditlog/AuditLogProjection), built only from events by the pooled streaming processor
-- "audit-log" and rebuildable from the event store (auditlog/AuditReplay rebuilds them into shadow tables and
-- compares). Every time is an event's timestamp or a time the event carries, never the database's clock, so a
-- replay yields the same rows.

-- One row per session: who used which desktop, where, on which image, and when.
CREATE TABLE audit_session (
    session_id      UUID         NOT NULL PRIMARY KEY,
    user_name       VARCHAR(255) NOT NULL,
    pool_id         UUID         NOT NULL,
    pool_name       VARCHAR(255),
    desktop_id      UUID,
    host_id         UUID,
    host_name       VARCHAR(255),
    template_id     UUID,
    template_name   VARCHAR(255),
    image_version   INTEGER,
    image_sha256    VARCHAR(64),
    client_address  VARCHAR(255),
    state           VARCHAR(32)  NOT NULL,
    requested_at    TIMESTAMPTZ  NOT NULL,
    assigned_at     TIMESTAMPTZ,
    connected_at    TIMESTAMPTZ,
    disconnected_at TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    end_reason      VARCHAR(1024),
    ended_by        VARCHAR(255),
    connections     INTEGER      NOT NULL DEFAULT 0,
    recording_url   VARCHAR(1024)
);
CREATE INDEX audit_session_requested ON audit_session (requested_at, session_id);
CREATE INDEX audit_session_user ON audit_session (user_name, requested_at);
CREATE INDEX audit_session_desktop ON audit_session (desktop_id, requested_at);

-- Who held a desktop from when to when (until is null while they hold it).
CREATE TABLE audit_holder (
    desktop_id UUID         NOT NULL,
    session_id UUID         NOT NULL,
    user_name  VARCHAR(255) NOT NULL,
    held_from  TIMESTAMPTZ  NOT NULL,
    held_until TIMESTAMPTZ,
    PRIMARY KEY (desktop_id, session_id)
);
CREATE INDEX audit_holder_from ON audit_holder (desktop_id, held_from);

-- Every change to a host, template, pool (entitlements included) or rollout, with who made it and the values of
-- the changed fields before and after.
CREATE TABLE audit_change (
    event_id    VARCHAR(255) NOT NULL PRIMARY KEY,
    at          TIMESTAMPTZ  NOT NULL,
    actor       VARCHAR(255) NOT NULL,
    object_type VARCHAR(32)  NOT NULL,
    object_id   UUID         NOT NULL,
    object_name VARCHAR(255),
    action      VARCHAR(100) NOT NULL,
    before      JSONB,
    after       JSONB
);
CREATE INDEX audit_change_at ON audit_change (at, event_id);
CREATE INDEX audit_change_object ON audit_change (object_id, at);
CREATE INDEX audit_change_actor ON audit_change (actor, at);

-- Refusals and reads that security reviews look at: refused tokens, throttled sign-ins, refused telemetry,
-- chain verifications and every read of audit data.
CREATE TABLE audit_security (
    event_id       VARCHAR(255) NOT NULL PRIMARY KEY,
    at             TIMESTAMPTZ  NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    actor          VARCHAR(255),
    client_address VARCHAR(255),
    detail         JSONB        NOT NULL
);
CREATE INDEX audit_security_at ON audit_security (at, event_id);

-- What the session history looks up: each desktop's pool, host and image version, each image's checksum, and the
-- current state of every audited object (its name, and the values the next change is compared with).
CREATE TABLE audit_desktop (
    desktop_id       UUID    NOT NULL PRIMARY KEY,
    pool_id          UUID,
    host_id          UUID,
    template_id      UUID,
    template_version INTEGER
);
CREATE TABLE audit_image (
    template_id UUID        NOT NULL,
    version     INTEGER     NOT NULL,
    sha256      VARCHAR(64),
    PRIMARY KEY (template_id, version)
);
CREATE TABLE audit_object (
    object_id   UUID        NOT NULL PRIMARY KEY,
    object_type VARCHAR(32) NOT NULL,
    state       JSONB       NOT NULL
);
