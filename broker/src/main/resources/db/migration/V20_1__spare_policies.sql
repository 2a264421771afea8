-- A pool's spare policy (JSON, as in its events) and its spare target: the one its STATIC count sets, or the
-- one the capacity process last recorded for it, with its reason.
ALTER TABLE pool_view ADD COLUMN spare_policy TEXT;
ALTER TABLE pool_view ADD COLUMN spare_target INTEGER;
ALTER TABLE pool_view ADD COLUMN spare_target_reason VARCHAR(30);
ALTER TABLE pool_view ADD COLUMN spare_target_forecast_only BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE pool_view ADD COLUMN spare_target_at TIMESTAMPTZ;
-- Pools projected before: STATIC(min_spare), which is also their target (as their events read now).
UPDATE pool_view SET spare_policy = '{"type":"STATIC","spares":' || min_spare || '}', spare_target = min_spare,
                     spare_target_reason = 'STATIC', spare_target_at = updated_at
WHERE spare_policy IS NULL;
