package org.openvdi.broker.auditlog.api;

/** What an entry of the security log records. */
public enum SecurityEventKind {
    /** A gateway presented a connection or resume token that was refused. */
    TOKEN_REFUSED,
    /** Sign-ins with a user name or from an address were banned after repeated failures. */
    SIGN_IN_THROTTLED,
    /** A gateway's telemetry record was refused. */
    TELEMETRY_REFUSED,
    /** An auditor verified the event chain. */
    CHAIN_VERIFIED,
    /** Someone read audit data (a query or an export). */
    AUDIT_DATA_READ,
    /** An auditor played a session recording. */
    RECORDING_PLAYED,
    /** Someone signed in interactively: locally, through an OpenID Connect provider or an LDAP directory (the source). */
    SIGNED_IN
}
