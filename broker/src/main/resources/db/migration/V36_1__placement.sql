-- Placement rules: a host's labels, a pool's host selector and why it has no host, and a persistent desktop's move
-- between hosts. Each table stays with the feature that projects it (host, pool, desktop).
ALTER TABLE host_view ADD COLUMN labels TEXT[] NOT NULL DEFAULT '{}';

ALTER TABLE pool_view ADD COLUMN host_selector TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE pool_view ADD COLUMN placement_problem TEXT;

-- the host a desktop is moving to, and the step the move has reached (desktop/api/DesktopMovePhase), while it moves
ALTER TABLE desktop_view ADD COLUMN move_to_host UUID;
ALTER TABLE desktop_view ADD COLUMN move_phase TEXT;
