-- When a host's inventory was last taken (reconcile/TrustedDesktops): the broker that took it records it here, so
-- every broker sharing this database trusts the host's ready desktops after any broker's inventory, not only its own.
CREATE TABLE host_inventory (
    host_id        UUID        NOT NULL PRIMARY KEY,
    inventoried_at TIMESTAMPTZ NOT NULL
);
