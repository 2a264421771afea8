package org.openvdi.broker.store;

import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The event store: Axon's JDBC storage engine on PostgreSQL, as Axon's Spring Boot configuration would build it,
 * except that it reads {@code openvdi.event-store.read-batch-size} events per query instead of 100 and never looks
 * for snapshots ({@link SnapshotlessStorageEngine}). Appends are
 * JDBC batches (one per unit of work); with the driver's {@code reWriteBatchedInserts} (set on the data source)
 * a batch is one multi-row INSERT, one round trip, whatever its size.
 */
@Configuration(proxyBeanMethods = false)
public class EventStoreConfiguration {

    @Bean
    EventStorageEngine eventStorageEngine(Serializer defaultSerializer, PersistenceExceptionResolver persistenceExceptionResolver,
                                          @Qualifier("eventSerializer") Serializer eventSerializer,
                                          org.axonframework.config.Configuration configuration,
                                          ConnectionProvider connectionProvider, TransactionManager transactionManager,
                                          EventStoreSettings settings) {
        return new SnapshotlessStorageEngine(engine(settings)
                .snapshotSerializer(defaultSerializer)
                .upcasterChain(configuration.upcasterChain())
                .persistenceExceptionResolver(persistenceExceptionResolver)
                .eventSerializer(eventSerializer)
                .snapshotFilter(configuration.snapshotFilter())
                .connectionProvider(connectionProvider)
                .transactionManager(transactionManager));
    }

    /** The storage engine's settings that are ours; the benchmarks build their engine from this too. */
    public static JdbcEventStorageEngine.Builder engine(EventStoreSettings settings) {
        return JdbcEventStorageEngine.builder().schema(new EventSchema()).batchSize(settings.readBatchSize());
    }
}
