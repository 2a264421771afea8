-- When a rollout ended a desktop's session at its deadline: the gateway's page then says so.
ALTER TABLE rollout_desktop ADD COLUMN logoff_forced_at TIMESTAMPTZ;
CREATE INDEX rollout_desktop_forced_session ON rollout_desktop (session_id) WHERE logoff_forced_at IS NOT NULL;
