package org.openvdi.broker.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as the read models bind them: {@code timestamptz} parameters in UTC. */
public final class SqlTimes {

    private SqlTimes() {
    }

    /** The instant as an offset date-time in UTC, which the PostgreSQL driver binds as {@code timestamptz}. */
    public static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
