-- A pool's spare policy (JSON, as in its events; NULL for pools from before spare policies: STATIC(min_spare))
-- and the spare target the capacity process last recorded for it, with its reason.
ALTER TABLE pool_view ADD COLUMN spare_policy TEXT;
ALTER TABLE pool_view ADD COLUMN spare_target INTEGER;
ALTER TABLE pool_view ADD COLUMN spare_target_reason VARCHAR(30);
ALTER TABLE pool_view ADD COLUMN spare_target_forecast_only BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE pool_view ADD COLUMN spare_target_at TIMESTAMPTZ;
