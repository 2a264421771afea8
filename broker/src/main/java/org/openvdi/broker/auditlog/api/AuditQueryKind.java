package org.openvdi.broker.auditlog.api;

/** Which audit answer was read. */
public enum AuditQueryKind {
    SESSIONS, HOLDERS, CHANGES, USER_IMAGES, SECURITY, REBUILD,
    /** A session's recordings, or one recording's facts (playing one is a RecordingPlayedEvent). */
    RECORDINGS,
    /** The raw event history of one aggregate ({@code /api/events}). */
    EVENTS
}
