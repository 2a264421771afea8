package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The embedded PostgreSQL of {@code ./vdi up} acknowledges a commit only once it is on disk, so an event the
 * broker answered for survives a power loss; tests may trade that for speed.
 */
class EmbeddedPostgresDurabilityTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(EmbeddedPostgresProperties.class)
    @Import(EmbeddedPostgresConfiguration.class)
    static class EmbeddedOnly {
    }

    /** The application's own settings files with the demo profile, as {@code ./vdi up} starts the broker. */
    private final ApplicationContextRunner asShipped = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(EmbeddedOnly.class)
            .withPropertyValues("spring.profiles.active=demo",
                    "openvdi.embedded-postgres.data-directory=target/test-pg/durability-" + UUID.randomUUID());

    private static Map<String, String> settings(DataSource dataSource) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        return Map.of("fsync", show(jdbc, "fsync"), "synchronous_commit", show(jdbc, "synchronous_commit"),
                "full_page_writes", show(jdbc, "full_page_writes"));
    }

    private static String show(JdbcClient jdbc, String setting) {
        return jdbc.sql("SHOW " + setting).query(String.class).single();
    }

    @Test
    void givenTheShippedConfiguration_whenTheEmbeddedDatabaseStarts_thenItSyncsEveryCommitToDisk() {
        asShipped.run(context -> assertThat(settings(context.getBean(DataSource.class)))
                .isEqualTo(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on")));
    }

    @Test
    void givenDurabilityTurnedOffForTests_whenTheEmbeddedDatabaseStarts_thenItSkipsTheSyncs() {
        asShipped.withPropertyValues("openvdi.embedded-postgres.durable=false")
                .run(context -> assertThat(settings(context.getBean(DataSource.class)))
                        .containsEntry("fsync", "off").containsEntry("synchronous_commit", "off"));
    }
}
