-- Forecasts per quarter hour instead of per hour (forecast/DemandForecast). The runs are derived from the demand
-- history and recomputable from it: the hourly ones are dropped, and the broker makes quarter-hourly ones from the
-- same history at its next refresh. Each run keeps its interval length.
DELETE FROM forecast_run;
DROP INDEX forecast_run_unscored;
ALTER TABLE forecast_run RENAME COLUMN per_hour TO per_interval;
ALTER TABLE forecast_run RENAME COLUMN scored_hours TO scored_intervals;
ALTER TABLE forecast_run ADD COLUMN interval_minutes INTEGER NOT NULL DEFAULT 15;
CREATE INDEX forecast_run_unscored ON forecast_run (issued_at) WHERE scored_intervals < cardinality(per_interval);
