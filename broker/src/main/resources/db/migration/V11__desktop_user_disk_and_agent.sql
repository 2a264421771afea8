-- A persistent desktop's user disk (its size, NULL: none) and when its guest agent last answered during
-- provisioning (NULL: never, or its template is ready when the display answers).
ALTER TABLE desktop_view ADD COLUMN user_disk_gib INTEGER;
ALTER TABLE desktop_view ADD COLUMN guest_agent_at TIMESTAMPTZ;
