package org.openvdi.broker.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every test broker's embedded PostgreSQL (the {@code target/test-pg/...} data directories of
 * {@code BrokerTest}) a copy of one cluster that this JVM initialised and migrated once, instead of running
 * {@code initdb} and every migration for each Spring context: the same cluster, created by the same embedded
 * binaries and migrated by the same Flyway scripts, that the broker would otherwise create on its empty directory.
 * The broker then starts on it as on any existing data directory, and Flyway finds nothing to apply.
 * <p>
 * Registered for every Spring application of the test JVM ({@code META-INF/spring.factories}); data directories
 * elsewhere (a test that names its own) are left alone.
 */
public final class SeededTestDatabases implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String DATA_DIRECTORY = "openvdi.embedded-postgres.data-directory";
    private static final Path TEST_DATABASES = Path.of("target/test-pg").toAbsolutePath();
    private static Path template;

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        var environment = context.getEnvironment();
        boolean embedded = "__embedded__".equals(environment.getProperty("spring.datasource.url", "__embedded__"));
        if (!embedded || !environment.getProperty(DATA_DIRECTORY, "").startsWith("target/test-pg/")) {
            return;
        }
        Path seeded = TEST_DATABASES.resolve("seeded-" + UUID.randomUUID());
        copy(template(), seeded);
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("seeded-test-database",
                Map.of(DATA_DIRECTORY, seeded.toString())));
    }

    /** The migrated cluster of this JVM, made on first use. */
    private static synchronized Path template() {
        if (template == null) {
            Path directory = TEST_DATABASES.resolve("template-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(directory)
                    .setCleanDataDirectory(false).start()) {
                Flyway.configure().dataSource(postgres.getPostgresDatabase()).load().migrate();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot make the test databases' template in " + directory, e);
            }
            template = directory;
        }
        return template;
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                if (source.getFileName().toString().equals("postmaster.pid")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            // PostgreSQL starts only on a data directory that no one else may read
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the test databases' template to " + to, e);
        }
    }
}
