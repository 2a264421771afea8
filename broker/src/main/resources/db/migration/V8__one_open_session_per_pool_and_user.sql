-- One open session per user and pool (session/OpenSessionClaims): a row is written in the transaction that stores
-- the SessionRequestedEvent, and deleted in the one that stores its SessionEndedEvent or SessionFailedEvent.
-- The unique key makes a second open session of the same user in the same pool impossible, also across brokers.
-- Not a projection: it is not rebuilt from the event store.
CREATE TABLE open_session (
    pool_id    UUID         NOT NULL,
    user_name  VARCHAR(100) NOT NULL,
    session_id UUID         NOT NULL UNIQUE,
    PRIMARY KEY (pool_id, user_name)
);

-- Sessions open now claim their slot; where an earlier race left a user several, the newest one holds it.
INSERT INTO open_session (pool_id, user_name, session_id)
SELECT DISTINCT ON (pool_id, user_name) pool_id, user_name, id
FROM session_view
WHERE state NOT IN ('ENDED', 'FAILED')
ORDER BY pool_id, user_name, requested_at DESC;
