package org.openvdi.broker.integrity;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Appends rows to the event store the way Axon's JDBC engine stores them (JSON payload and metadata as bytea, the
 * timestamp as text), each in its own transaction, or on a connection the test holds open to commit later.
 */
final class StoredEventRows {

    static final String INSERT = "INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, "
            + "type, timestamp, payloadtype, payloadrevision, payload, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "RETURNING globalindex";

    private final DataSource dataSource;
    private long sequence;
    private final String aggregate = UUID.randomUUID().toString();

    StoredEventRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Appends {@code count} events, each committed at once. */
    void append(int count) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (int i = 0; i < count; i++) {
                insert(connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Inserts one event on {@code connection} (whose transaction the caller commits) and answers its global index. */
    long insert(Connection connection) throws SQLException {
        long n = sequence++;
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, aggregate);
            insert.setLong(3, n);
            insert.setString(4, "Desktop");
            insert.setString(5, Instant.now().toString());
            insert.setString(6, "org.openvdi.broker.desktop.api.DesktopStartedEvent");
            insert.setString(7, "1");
            insert.setBytes(8, ("{\"desktopId\":\"" + aggregate + "\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
            insert.setBytes(9, "{\"user\":\"system\"}".getBytes(StandardCharsets.UTF_8));
            try (ResultSet key = insert.executeQuery()) {
                key.next();
                return key.getLong(1);
            }
        }
    }
}
