package org.openvdi.broker.auditlog.api;

/** How audit data was read: a page of JSON, or an export of every matching row. */
public enum AuditReadFormat {
    PAGE, JSON_EXPORT, CSV_EXPORT
}
