-- The capacity process asks, for every waiting session, whether a desktop is already assigned to it.
CREATE INDEX desktop_view_session ON desktop_view (session_id);
