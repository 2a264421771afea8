-- A pool's deletion: it drains (no new sessions or spares; its sessions end at the deadline), then is deleted.
-- A deleted pool stays listed with its state, and its name is free for a new pool.
ALTER TABLE pool_view ADD COLUMN state VARCHAR(20) NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE pool_view ADD COLUMN drain_deadline TIMESTAMPTZ;
ALTER TABLE pool_view ADD COLUMN drain_message TEXT;
ALTER TABLE pool_view ADD COLUMN drain_user_disks VARCHAR(20);
ALTER TABLE pool_view ADD COLUMN drain_started_by TEXT;
ALTER TABLE pool_view ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE pool_view DROP CONSTRAINT pool_view_name_key;
CREATE UNIQUE INDEX pool_view_live_name ON pool_view (name) WHERE state <> 'DELETED';
CREATE INDEX pool_view_draining ON pool_view (state) WHERE state = 'DRAINING';

-- A desktop destroyed for a pool's deletion may keep its user disk on the host.
ALTER TABLE desktop_view ADD COLUMN keep_user_disk BOOLEAN NOT NULL DEFAULT false;
