-- The domain type a host's desktops are defined with: the requested one, or for a host set to auto what its
-- acceleration probe found (HostAccelerationProbedEvent); NULL until then. A probe is due from the registration
-- of an auto host until a result is recorded, and again after each request (HostAccelerationProbeRequestedEvent).
ALTER TABLE host_view ADD COLUMN effective_virt_type VARCHAR(10);
ALTER TABLE host_view ADD COLUMN acceleration_reason TEXT;
ALTER TABLE host_view ADD COLUMN acceleration_probe_due BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE host_view SET effective_virt_type = virt_type WHERE virt_type <> 'AUTO';
UPDATE host_view SET acceleration_probe_due = TRUE WHERE virt_type = 'AUTO';
