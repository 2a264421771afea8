package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The pool settings of an external PostgreSQL in application.yml bind to Hikari as Spring Boot binds them (the tests'
 * embedded PostgreSQL builds its own pool, so nothing else reads them before a real deployment does): a request
 * waits at most 1.5 s for a connection when the database is away.
 */
class DataSourceSettingsTest {

    @Test
    void givenApplicationYml_whenItsHikariSettingsAreBound_thenAConnectionIsAwaitedAtMostOneAndAHalfSeconds() throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yml"))
                .forEach(environment.getPropertySources()::addLast);
        HikariDataSource pool = new HikariDataSource();

        new Binder(ConfigurationPropertySources.get(environment))
                .bind("spring.datasource.hikari", Bindable.ofInstance(pool));

        assertThat(pool.getConnectionTimeout()).isEqualTo(1500);
        assertThat(pool.getValidationTimeout()).isEqualTo(1000);
        assertThat(String.valueOf(pool.getDataSourceProperties().get("connectTimeout"))).isEqualTo("2");
    }
}
