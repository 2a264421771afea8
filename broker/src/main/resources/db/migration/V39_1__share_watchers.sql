-- Shared sessions across gateways: through which gateway each viewer watches (the gateway of the viewer's last
-- redemption), so that the owner's gateway learns of viewers on the others, and whether a share ended with its
-- session, so that a cut-off viewer's page says why. Still a projection of the session events.
ALTER TABLE session_share ADD COLUMN watched_through VARCHAR(200);
ALTER TABLE session_share ADD COLUMN ended_with_session BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX session_share_ended ON session_share (ended_at) WHERE joined_by IS NOT NULL;
CREATE INDEX session_share_due ON session_share (expires_at) WHERE state IN ('OPEN', 'JOINED');
