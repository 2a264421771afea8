package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcSQLErrorCodesResolver;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The repository that keeps committed aggregates (the session's and the desktop's, on a session request's path)
 * decides exactly as one loading from the store would: a kept aggregate is used only while the store holds nothing
 * newer of it. On the shared embedded PostgreSQL with Axon's JDBC engine, as the broker stores events; another broker
 * is played by a second connection that stores the aggregate's next event behind the repository's back.
 */
class VersionCheckedCachingRepositoryTest {

    private static DataSource dataSource;
    private static SpringTransactionManager transactions;
    private static EmbeddedEventStore store;
    private VersionCheckedCachingRepository<Tally> repository;
    private final String id = UUID.randomUUID().toString();

    record TallyOpened(String id) {
    }

    record TallyAdded(String id) {
    }

    /** A tiny aggregate: a count that refuses to go beyond a limit. */
    static class Tally {
        @AggregateIdentifier
        private String id;
        private int count;

        Tally() {
        }

        Tally(String id) {
            apply(new TallyOpened(id));
        }

        void addUpTo(int limit) {
            if (count >= limit) {
                throw new IllegalStateException("Tally " + id + " is at " + count);
            }
            apply(new TallyAdded(id));
        }

        @EventSourcingHandler
        void on(TallyOpened e) {
            id = e.id();
        }

        @EventSourcingHandler
        void on(TallyAdded e) {
            count++;
        }
    }

    @BeforeAll
    static void eventStore() {
        dataSource = SharedPostgres.dataSource();
        transactions = new SpringTransactionManager(new DataSourceTransactionManager(dataSource));
        JacksonSerializer serializer = JacksonSerializer.builder()
                .objectMapper(JsonMapper.builder().findAndAddModules().build()).build();
        JdbcEventStorageEngine engine = EventStoreConfiguration.engine(new EventStoreSettings(2000))
                .connectionProvider(new SpringDataSourceConnectionProvider(dataSource)).transactionManager(transactions)
                .eventSerializer(serializer).snapshotSerializer(serializer)
                .persistenceExceptionResolver(new JdbcSQLErrorCodesResolver()).build();
        store = EmbeddedEventStore.builder().storageEngine(engine).build();
    }

    @AfterAll
    static void stop() {
        store.shutDown();
    }

    private void openedAndAddedOnce() {
        repository = VersionCheckedCachingRepository.of(Tally.class, store, 16, null, null);
        inUnit(() -> repository.newInstance(() -> new Tally(id)));
        inUnit(() -> {
            repository.load(id).execute(t -> t.addUpTo(10));
            return null;
        });
    }

    @Test
    void givenCommittedAggregate_whenLoadedAgain_thenTheKeptOneIsUsed() {
        openedAndAddedOnce();
        Tally first = root();

        Tally second = root();

        assertThat(second).isSameAs(first);
        assertThat(second.count).isEqualTo(1);
    }

    @Test
    void givenAnotherWriterStoredANewerEvent_whenLoaded_thenItIsLoadedFromTheStoreWithThatEvent() {
        openedAndAddedOnce();
        Tally kept = root();
        AnotherWriter.storeCopyOfLastEvent(dataSource, id);

        Tally loaded = root();

        assertThat(loaded).isNotSameAs(kept);
        assertThat(loaded.count).isEqualTo(2);
    }

    @Test
    void givenAnotherWriterReachedTheLimit_whenAddingUpToIt_thenRefusedAsTheStoreSays() {
        openedAndAddedOnce();
        AnotherWriter.storeCopyOfLastEvent(dataSource, id); // the store: 2, the kept aggregate: 1

        assertThatThrownBy(() -> inUnit(() -> {
            repository.load(id).execute(t -> t.addUpTo(2));
            return null;
        })).hasMessageContaining("is at 2");
        assertThat(root().count).isEqualTo(2);
    }

    @Test
    void givenAUnitThatAppliedAnEventAndRolledBack_whenLoadedAgain_thenTheStoredStateNotTheRolledBackOne() {
        openedAndAddedOnce();
        Tally kept = root();

        assertThatThrownBy(() -> inUnit(() -> {
            repository.load(id).execute(t -> t.addUpTo(10));
            throw new IllegalStateException("refused after applying");
        })).hasMessageContaining("refused after applying");

        Tally loaded = root();
        assertThat(loaded).isNotSameAs(kept);
        assertThat(loaded.count).isEqualTo(1);
    }

    /**
     * A unit that joined its caller's transaction commits before the database does. When that transaction then rolls
     * back and another broker stores a different event at the same sequence number, the rolled-back state must not
     * pass for the stored one: the version check alone would take it, its version being the store's.
     */
    @Test
    void givenAUnitInACallersTransactionThatRolledBackAndAnotherWriterAtItsVersion_whenLoaded_thenTheStoredState() {
        openedAndAddedOnce();
        TransactionTemplate callers = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        Tally rolledBack = callers.execute(status -> {
            Tally added = inUnit(() -> repository.load(id).invoke(t -> {
                t.addUpTo(10);
                return t;
            }));
            status.setRollbackOnly();
            return added;
        });
        AnotherWriter.storeCopyOfLastEvent(dataSource, id); // the store's version is now the rolled-back unit's

        Tally loaded = root();

        assertThat(loaded).isNotSameAs(rolledBack);
        assertThat(loaded.count).isEqualTo(2);
    }

    @Test
    void givenMoreAggregatesThanItKeeps_whenCommitted_thenTheOldestAreDropped() {
        repository = VersionCheckedCachingRepository.of(Tally.class, store, 2, null, null);
        for (int i = 0; i < 3; i++) {
            String another = UUID.randomUUID().toString();
            inUnit(() -> repository.newInstance(() -> new Tally(another)));
        }

        assertThat(repository.keptCount()).isEqualTo(2);
    }

    private Tally root() {
        return inUnit(() -> repository.load(id).invoke(t -> t));
    }

    private static <R> R inUnit(Callable<R> work) {
        UnitOfWork<?> unit = DefaultUnitOfWork.startAndGet(null);
        unit.attachTransaction(transactions);
        var result = unit.executeWithResult(work);
        if (result.isExceptional()) {
            Throwable failure = result.exceptionResult();
            throw failure instanceof RuntimeException e ? e : new IllegalStateException(failure);
        }
        @SuppressWarnings("unchecked")
        R value = (R) result.getPayload();
        return value;
    }
}
