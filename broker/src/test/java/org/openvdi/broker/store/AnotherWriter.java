package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/** What another broker does to an aggregate behind this one's back, on a connection of its own. */
final class AnotherWriter {

    private AnotherWriter() {
    }

    /** Stores the aggregate's next event, a copy of its last, and commits it at once. */
    static void storeCopyOfLastEvent(DataSource dataSource, String aggregateId) {
        try (Connection other = dataSource.getConnection();
             PreparedStatement insert = other.prepareStatement("""
                     INSERT INTO domainevententry (eventidentifier, aggregateidentifier, sequencenumber, type, timestamp,
                         payloadtype, payloadrevision, payload, metadata)
                     SELECT ?, aggregateidentifier, sequencenumber + 1, type, timestamp, payloadtype, payloadrevision,
                         payload, metadata
                       FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1""")) {
            other.setAutoCommit(true);
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, aggregateId);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
