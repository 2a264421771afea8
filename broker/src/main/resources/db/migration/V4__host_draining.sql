-- A draining host is cordoned and sheds its idle desktops (HostDrainStartedEvent); uncordon ends it.
ALTER TABLE host_view ADD COLUMN draining BOOLEAN NOT NULL DEFAULT FALSE;
