package org.openvdi.broker.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One real PostgreSQL per test JVM for the fast process tests, with the broker's schema migrated once.
 * Each test starts from empty tables ({@link #truncate()}): processes read whole read models.
 *
 * <p>The data source is a small connection pool, as the broker's own is: without one every query of a projection
 * or a process forks a PostgreSQL backend (a new connection costs tens of milliseconds on a loaded machine, and a
 * process test makes hundreds). The database is a throwaway one, so it does not sync to the disk.
 */
public final class SharedPostgres {

    private static DataSource dataSource;

    private SharedPostgres() {
    }

    public static synchronized DataSource dataSource() {
        if (dataSource == null) {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
                HikariConfig pool = new HikariConfig();
                pool.setDataSource(postgres.getPostgresDatabase());
                pool.setPoolName("shared-postgres");
                pool.setMaximumPoolSize(20);
                pool.setMinimumIdle(2);
                HikariDataSource pooled = new HikariDataSource(pool);
                Flyway.configure().dataSource(pooled).load().migrate();
                dataSource = pooled;
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
