package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The pool settings in application.yml bind to Hikari as Spring Boot binds them for an external PostgreSQL, and the
 * embedded PostgreSQL's pool reads the same ones: a request waits at most 1.5 s for a connection when the database is
 * away.
 */
class DataSourceSettingsTest {

    static StandardEnvironment applicationYml() throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        return environment;
    }

    @Test
    void givenApplicationYml_whenItsHikariSettingsAreBound_thenAConnectionIsAwaitedAtMostOneAndAHalfSeconds() throws Exception {
        StandardEnvironment environment = applicationYml();
        HikariDataSource pool = new HikariDataSource();

        new Binder(ConfigurationPropertySources.get(environment))
                .bind("spring.datasource.hikari", Bindable.ofInstance(pool));

        assertThat(pool.getConnectionTimeout()).isEqualTo(1500);
        assertThat(pool.getValidationTimeout()).isEqualTo(1000);
        assertThat(String.valueOf(pool.getDataSourceProperties().get("connectTimeout"))).isEqualTo("2");
    }

    /** The embedded PostgreSQL's pool reads the same settings, and keeps its own address, user, name and size. */
    @Test
    void givenApplicationYml_whenTheEmbeddedServersPoolIsMade_thenItHasTheSameSettingsAsAnExternalOnesPool() throws Exception {
        StandardEnvironment environment = applicationYml();
        try (HikariDataSource pool = EmbeddedPostgresConfiguration.pool("jdbc:postgresql://127.0.0.1:1/postgres", environment)) {
            assertThat(pool.getConnectionTimeout()).isEqualTo(1500);
            assertThat(pool.getValidationTimeout()).isEqualTo(1000);
            assertThat(String.valueOf(pool.getDataSourceProperties().get("connectTimeout"))).isEqualTo("2");
            assertThat(String.valueOf(pool.getDataSourceProperties().get("reWriteBatchedInserts"))).isEqualTo("true");
            assertThat(pool.getMaximumPoolSize()).isEqualTo(16);
            assertThat(pool.getPoolName()).isEqualTo("event-store");
            assertThat(pool.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/postgres");
        }

        environment.getPropertySources().addFirst(new MapPropertySource("deployment", Map.<String, Object>of(
                "spring.datasource.hikari.maximum-pool-size", "40", "spring.datasource.hikari.connection-timeout", "700")));
        try (HikariDataSource pool = EmbeddedPostgresConfiguration.pool("jdbc:postgresql://127.0.0.1:1/postgres", environment)) {
            assertThat(pool.getMaximumPoolSize()).isEqualTo(40);
            assertThat(pool.getConnectionTimeout()).isEqualTo(700);
        }
    }
}
