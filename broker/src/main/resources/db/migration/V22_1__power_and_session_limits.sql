-- Power policy POWER_OFF_WHEN_IDLE is called POWER_OFF_AT_LOGOFF now (what it does): rows projected before the
-- rename carry the old name. Events keep it too; the pool feature upcasts them on reading.
UPDATE pool_view SET power_policy = 'POWER_OFF_AT_LOGOFF' WHERE power_policy = 'POWER_OFF_WHEN_IDLE';

-- A pool's session limits (pool/api/SessionLimits as JSON); NULL until a PoolSessionLimitsChangedEvent sets them.
ALTER TABLE pool_view ADD COLUMN session_limits TEXT;

-- When the user of a session last touched keyboard or mouse, as its gateway reports (session feature).
ALTER TABLE session_view ADD COLUMN last_input_at TIMESTAMPTZ;
