-- Read models. Every table is rebuilt from the event store by replaying the events.
CREATE TABLE host_view (
    id              UUID PRIMARY KEY,
    name            VARCHAR(100) NOT NULL UNIQUE,
    uri             VARCHAR(500) NOT NULL,
    virt_type       VARCHAR(10)  NOT NULL,
    max_desktops    INTEGER      NOT NULL,
    storage_pool    VARCHAR(100) NOT NULL,
    display_address VARCHAR(100) NOT NULL,
    state           VARCHAR(20)  NOT NULL,
    cordoned        BOOLEAN      NOT NULL DEFAULT FALSE,
    state_reason    VARCHAR(1000),
    registered_at   TIMESTAMPTZ  NOT NULL,
    updated_at      TIMESTAMPTZ  NOT NULL
);

CREATE TABLE template_view (
    id            UUID PRIMARY KEY,
    name          VARCHAR(100) NOT NULL UNIQUE,
    vcpus         INTEGER      NOT NULL,
    memory_mib    INTEGER      NOT NULL,
    registered_at TIMESTAMPTZ  NOT NULL
);

CREATE TABLE template_version_view (
    template_id  UUID          NOT NULL REFERENCES template_view (id),
    version      INTEGER       NOT NULL,
    image_path   VARCHAR(1000) NOT NULL,
    sha256       CHAR(64)      NOT NULL,
    format       VARCHAR(10)   NOT NULL,
    size_bytes   BIGINT        NOT NULL,
    retired      BOOLEAN       NOT NULL DEFAULT FALSE,
    published_at TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (template_id, version)
);

CREATE TABLE pool_view (
    id               UUID PRIMARY KEY,
    name             VARCHAR(100) NOT NULL UNIQUE,
    template_id      UUID         NOT NULL,
    template_version INTEGER      NOT NULL,
    type             VARCHAR(20)  NOT NULL,
    power_policy     VARCHAR(20)  NOT NULL,
    min_spare        INTEGER      NOT NULL,
    max_size         INTEGER      NOT NULL,
    entitled_users   TEXT[]       NOT NULL,
    entitled_groups  TEXT[]       NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL
);

CREATE TABLE desktop_view (
    id               UUID PRIMARY KEY,
    pool_id          UUID         NOT NULL,
    host_id          UUID         NOT NULL,
    template_id      UUID         NOT NULL,
    template_version INTEGER      NOT NULL,
    state            VARCHAR(20)  NOT NULL,
    session_id       UUID,
    assigned_user    VARCHAR(100),
    owner            VARCHAR(100),
    display_host     VARCHAR(100),
    display_port     INTEGER,
    failure_reason   VARCHAR(2000),
    requested_at     TIMESTAMPTZ  NOT NULL,
    ready_at         TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ  NOT NULL
);
CREATE INDEX desktop_view_pool_state ON desktop_view (pool_id, state);
CREATE INDEX desktop_view_host_state ON desktop_view (host_id, state);

CREATE TABLE session_view (
    id                UUID PRIMARY KEY,
    pool_id           UUID         NOT NULL,
    user_name         VARCHAR(100) NOT NULL,
    state             VARCHAR(20)  NOT NULL,
    desktop_id        UUID,
    reason            VARCHAR(2000),
    requested_at      TIMESTAMPTZ  NOT NULL,
    assigned_at       TIMESTAMPTZ,
    connected_at      TIMESTAMPTZ,
    disconnected_at   TIMESTAMPTZ,
    ended_at          TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ  NOT NULL
);
CREATE INDEX session_view_user ON session_view (user_name, state);
CREATE INDEX session_view_state ON session_view (state);
