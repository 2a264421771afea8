package org.openvdi.broker.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One real PostgreSQL per test JVM for the fast process tests, with the broker's schema migrated once.
 * Each test starts from empty tables ({@link #truncate()}): processes read whole read models.
 */
public final class SharedPostgres {

    private static DataSource dataSource;

    private SharedPostgres() {
    }

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                dataSource = postgres.getPostgresDatabase();
                Flyway.configure().dataSource(dataSource).load().migrate();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the shared embedded PostgreSQL", e);
            }
        }
        return dataSource;
    }

    /** Empties every table but Flyway's history. */
    public static void truncate() {
        JdbcClient jdbc = JdbcClient.create(dataSource());
        String tables = String.join(", ", jdbc.sql("""
                SELECT quote_ident(tablename) FROM pg_tables
                WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'""").query(String.class).list());
        jdbc.sql("TRUNCATE " + tables).update();
    }
}
