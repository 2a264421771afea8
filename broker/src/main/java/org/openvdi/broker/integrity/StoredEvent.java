package org.openvdi.broker.integrity;

import java.sql.ResultSet;
import java.sql.SQLException;

/** One row of the event store as stored, the bytes a chain link covers. */
record StoredEvent(long globalIndex, String eventIdentifier, String aggregateIdentifier, long sequenceNumber,
                   String type, String timestamp, String payloadType, String payloadRevision, byte[] payload,
                   byte[] metadata) {

    /** The event store's columns, in the order {@link #read} expects them from column {@code first} on. */
    static final String COLUMNS = "e.globalindex, e.eventidentifier, e.aggregateidentifier, e.sequencenumber, e.type, "
            + "e.timestamp, e.payloadtype, e.payloadrevision, e.payload, e.metadata";

    static StoredEvent read(ResultSet row, int first) throws SQLException {
        return new StoredEvent(row.getLong(first), row.getString(first + 1), row.getString(first + 2),
                row.getLong(first + 3), row.getString(first + 4), row.getString(first + 5), row.getString(first + 6),
                row.getString(first + 7), row.getBytes(first + 8), row.getBytes(first + 9));
    }
}
