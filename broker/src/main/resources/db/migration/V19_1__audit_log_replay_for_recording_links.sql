-- The audit log now links a session's history to its recordings (RecordingStoredEvent) and records playbacks in
-- the security log (RecordingPlayedEvent). Its live tables are rebuilt from the event store so that sessions
-- recorded before this version get their links too: the tables are emptied and the audit-log processor's token
-- removed, and the processor replays every event from the first on its next start (its initial token is the
-- store's tail). On a new database this changes nothing.
DELETE FROM tokenentry WHERE processorname = 'audit-log';
DELETE FROM audit_session;
DELETE FROM audit_holder;
DELETE FROM audit_change;
DELETE FROM audit_security;
DELETE FROM audit_desktop;
DELETE FROM audit_image;
DELETE FROM audit_object;
