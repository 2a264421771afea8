-- Tamper evidence (integrity/EventChainSealer): a hash chain over the stored events, in the order they were sealed.
-- position is the link's place in the chain (0, 1, 2, ...; the chain's size is the highest position + 1); the events
-- are sealed in the order they appear, which is the order of the global index except for events that commit late
-- into a gap of the index. link = SHA-256 over the previous link and the event's stored bytes.
CREATE TABLE event_chain_link (
    position         BIGINT       NOT NULL PRIMARY KEY,
    global_index     BIGINT       NOT NULL UNIQUE,
    event_identifier VARCHAR(255) NOT NULL UNIQUE,
    link             BYTEA        NOT NULL,
    sealed_at        TIMESTAMPTZ  NOT NULL
);

-- Global indexes below the highest sealed one that no event held when the sealer passed them: a transaction that
-- took the number may still commit. Its event is sealed when it appears; the gap is forgotten after a while.
CREATE TABLE event_chain_gap (
    global_index BIGINT      NOT NULL PRIMARY KEY,
    noticed_at   TIMESTAMPTZ NOT NULL
);
