-- Axon's JDBC event store, token store and saga store on PostgreSQL (payloads as bytea).
CREATE TABLE domainevententry (
    globalindex         BIGSERIAL    NOT NULL PRIMARY KEY,
    eventidentifier     VARCHAR(255) NOT NULL UNIQUE,
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber      BIGINT       NOT NULL,
    type                VARCHAR(255),
    timestamp           VARCHAR(255) NOT NULL,
    payloadtype         VARCHAR(255) NOT NULL,
    payloadrevision     VARCHAR(255),
    payload             BYTEA        NOT NULL,
    metadata            BYTEA,
    UNIQUE (aggregateidentifier, sequencenumber)
);

CREATE TABLE snapshotevententry (
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber      BIGINT       NOT NULL,
    type                VARCHAR(255) NOT NULL,
    eventidentifier     VARCHAR(255) NOT NULL UNIQUE,
    timestamp           VARCHAR(255) NOT NULL,
    payloadtype         VARCHAR(255) NOT NULL,
    payloadrevision     VARCHAR(255),
    payload             BYTEA        NOT NULL,
    metadata            BYTEA,
    PRIMARY KEY (aggregateidentifier, sequencenumber)
);

CREATE TABLE tokenentry (
    processorname VARCHAR(255) NOT NULL,
    segment       INTEGER      NOT NULL,
    token         BYTEA,
    tokentype     VARCHAR(255),
    timestamp     VARCHAR(255),
    owner         VARCHAR(255),
    PRIMARY KEY (processorname, segment)
);

CREATE TABLE sagaentry (
    sagaid         VARCHAR(255) NOT NULL PRIMARY KEY,
    revision       VARCHAR(255),
    sagatype       VARCHAR(255),
    serializedsaga BYTEA
);

CREATE TABLE associationvalueentry (
    id               BIGSERIAL    NOT NULL PRIMARY KEY,
    associationkey   VARCHAR(255) NOT NULL,
    associationvalue VARCHAR(255),
    sagaid           VARCHAR(255) NOT NULL,
    sagatype         VARCHAR(255)
);
CREATE INDEX associationvalueentry_saga ON associationvalueentry (sagatype, associationkey, associationvalue);
CREATE INDEX associationvalueentry_id ON associationvalueentry (sagaid, sagatype);
