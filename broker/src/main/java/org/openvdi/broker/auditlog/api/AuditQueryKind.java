package org.openvdi.broker.auditlog.api;

/** Which audit answer was read. */
public enum AuditQueryKind {
    SESSIONS, HOLDERS, CHANGES, USER_IMAGES, SECURITY, REBUILD
}
