package org.openvdi.broker.store;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Starts a real PostgreSQL from the jar when no external database is configured. Its data
 * directory is kept, so the event store survives restarts of the broker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.datasource.url", matchIfMissing = true, havingValue = "__embedded__")
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedPostgresProperties properties) {
        Path dataDirectory = Path.of(properties.dataDirectory()).toAbsolutePath();
        try {
            Files.createDirectories(dataDirectory);
            StalePostmaster.stopIfRunning(dataDirectory, Duration.ofSeconds(30));
            EmbeddedPostgres.Builder builder = durability(EmbeddedPostgres.builder(), properties.durable());
            if (properties.statementStatistics()) {
                builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
            }
            EmbeddedPostgres postgres = builder
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(properties.port())
                    // stopped by this bean's close, after everything that uses it; its own JVM hook
                    // would stop it while the application is still shutting down on it
                    .setRegisterShutdownHook(false)
                    .start();
            log.info("Embedded PostgreSQL on port {} with data in {} ({})", postgres.getPort(), dataDirectory,
                    properties.durable() ? "durable" : "NOT durable: commits are not synced to disk");
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /**
     * The embedded server's builder starts PostgreSQL with {@code -F} (no fsync) and {@code synchronous_commit=off},
     * settings for throwaway test databases. Options given with {@code -c} come after {@code -F} on the command line
     * and win, so a durable server states all three settings explicitly.
     */
    static EmbeddedPostgres.Builder durability(EmbeddedPostgres.Builder builder, boolean durable) {
        String on = durable ? "on" : "off";
        return builder.setServerConfig("fsync", on)
                .setServerConfig("synchronous_commit", on)
                .setServerConfig("full_page_writes", on);
    }

    @Bean(destroyMethod = "close")
    HikariDataSource dataSource(EmbeddedPostgres postgres, Environment environment) {
        return pool(postgres.getJdbcUrl("postgres", "postgres"), environment);
    }

    /**
     * The embedded server's pool, with the same {@code spring.datasource.hikari.*} settings an external PostgreSQL's
     * pool gets from Spring Boot (application.yml: a request waits at most 1.5 s for a connection, then answers 503,
     * never Hikari's 30 s default; batched INSERTs; the connect timeout; the pool's size). Only the address, the user
     * and the pool's name are the embedded server's own.
     */
    static HikariDataSource pool(String jdbcUrl, Environment environment) {
        HikariDataSource dataSource = new HikariDataSource();
        Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(dataSource));
        dataSource.setJdbcUrl(jdbcUrl);
        dataSource.setUsername("postgres");
        dataSource.setPoolName("event-store");
        // a JDBC batch of INSERTs (an append of many events, a read model's rows) goes as one multi-row INSERT
        dataSource.addDataSourceProperty("reWriteBatchedInserts", "true");
        return dataSource;
    }
}
