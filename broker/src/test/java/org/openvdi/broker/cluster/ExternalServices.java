package org.openvdi.broker.cluster;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The external PostgreSQL server and Kafka broker of the cluster tests, started once for every test that asks for
 * them (a parameter of type {@link ExternalPostgres} or {@link ExternalKafka}) and stopped at the end of the run. The
 * integration tests run one after the other, so they can share the processes; each test gets a database of its own
 * (a new one per parameter), and stops nothing that the next test needs: a handle's {@link ExternalPostgres#close}
 * starts the server again if its test left it stopped.
 */
final class ExternalServices implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ExternalServices.class);
    private static final Path WORK = Path.of("target/it/external-" + UUID.randomUUID().toString().substring(0, 8))
            .toAbsolutePath();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ExternalPostgres.class || type == ExternalKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        try {
            if (parameter.getParameter().getType() == ExternalKafka.class) {
                return store.getOrComputeIfAbsent(ExternalKafka.class, key -> start(new Kafka()), Kafka.class).kafka;
            }
            ExternalPostgres server = store.getOrComputeIfAbsent(ExternalPostgres.class, key -> start(new Postgres()),
                    Postgres.class).postgres;
            String test = context.getRequiredTestClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
            return server.database(test + "_" + UUID.randomUUID().toString().substring(0, 8));
        } catch (Exception e) {
            throw new IllegalStateException("The external services did not start; see " + WORK, e);
        }
    }

    private static <T extends Started> T start(T service) {
        try {
            service.start();
            return service;
        } catch (Exception e) {
            try {
                service.close();
            } catch (Throwable stopping) {
                e.addSuppressed(stopping);
            }
            throw new IllegalStateException("The external services did not start; see " + WORK, e);
        }
    }

    private interface Started extends ExtensionContext.Store.CloseableResource {
        void start() throws Exception;
    }

    /** The shared server; its database {@code openvdi} stays empty, each test has its own. */
    private static final class Postgres implements Started {
        private final ExternalPostgres postgres;

        Postgres() {
            try {
                this.postgres = new ExternalPostgres(WORK);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void start() throws Exception {
            postgres.start();
        }

        @Override
        public void close() throws Exception {
            postgres.close();
        }
    }

    private static final class Kafka implements Started {
        private final ExternalKafka kafka;

        Kafka() {
            try {
                this.kafka = new ExternalKafka(WORK);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void start() throws Exception {
            kafka.start();
        }

        @Override
        public void close() throws Exception {
            kafka.close();
        }
    }
}
