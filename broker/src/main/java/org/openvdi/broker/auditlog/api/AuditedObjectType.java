package org.openvdi.broker.auditlog.api;

/** The kinds of object whose changes the admin change log keeps, by the aggregate that owns them. */
public enum AuditedObjectType {
    HOST("Host"), TEMPLATE("Template"), POOL("DesktopPool"), ROLLOUT("Rollout"), AUDIT_READ("AuditRead");

    /** The values, once: {@link #ofAggregate} is asked for every event a replay reads. */
    private static final AuditedObjectType[] VALUES = values();

    private final String aggregate;

    AuditedObjectType(String aggregate) {
        this.aggregate = aggregate;
    }

    /** The aggregate type whose events are this object's changes, as the event store keeps it. */
    public String aggregate() {
        return aggregate;
    }

    /** The type for an aggregate type name as the event store keeps it, or null when its changes are not logged. */
    public static AuditedObjectType ofAggregate(String aggregateType) {
        for (AuditedObjectType type : VALUES) {
            if (type.aggregate.equals(aggregateType) && type != AUDIT_READ) {
                return type;
            }
        }
        return null;
    }
}
