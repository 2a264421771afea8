package org.openvdi.broker.auditlog;

import java.util.List;

/**
 * The names of one set of audit tables: the live ones the projection keeps and the API reads, or a replay's shadow
 * copies (the same names with a suffix). Names are fixed here, never taken from a request.
 */
record AuditTables(String suffix) {

    static final AuditTables LIVE = new AuditTables("");
    static final AuditTables SHADOW = new AuditTables("_replay");

    /** Tables the answers are read from: a replay compares these. */
    static final List<String> ANSWERS = List.of("audit_session", "audit_holder", "audit_change", "audit_security");
    /** Tables the projection only looks things up in. */
    static final List<String> LOOKUPS = List.of("audit_desktop", "audit_image", "audit_object");

    String session() {
        return "audit_session" + suffix;
    }

    String holder() {
        return "audit_holder" + suffix;
    }

    String change() {
        return "audit_change" + suffix;
    }

    String security() {
        return "audit_security" + suffix;
    }

    String desktop() {
        return "audit_desktop" + suffix;
    }

    String image() {
        return "audit_image" + suffix;
    }

    String object() {
        return "audit_object" + suffix;
    }

    List<String> all() {
        return java.util.stream.Stream.concat(ANSWERS.stream(), LOOKUPS.stream()).map(t -> t + suffix).toList();
    }
}
