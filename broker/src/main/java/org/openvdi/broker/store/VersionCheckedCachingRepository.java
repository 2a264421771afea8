package org.openvdi.broker.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.axonframework.eventsourcing.EventSourcedAggregate;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.NoSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * An event-sourcing repository that keeps the aggregates it committed in memory, and uses one only when the event
 * store holds no newer event of it: before it hands out a kept aggregate it asks the store for the aggregate's last
 * sequence number (one indexed query, in the command's own transaction) and compares it with the kept version.
 * Otherwise it loads the events as Axon's repository does. A kept aggregate therefore decides exactly as one loaded
 * from the store at that moment would, refusals and no-ops included, even when another broker wrote to it since
 * (Axon's own cache would decide from the stale state, and only a write would meet the conflict).
 * <p>
 * An aggregate is taken out while a unit of work uses it, and put back only after that unit committed: a unit that
 * rolls back (a refusal, a lost race) leaves nothing behind, and the state in memory is always a committed one. A unit
 * that joined its caller's transaction (an allocation's two commands) "commits" before the database does: its
 * aggregate is put back only once that transaction has committed, and dropped when it rolls back, else another
 * broker's different event at the same sequence number would make the rolled-back state look current. The
 * aggregate's lock (Axon's, per aggregate and broker) orders the units that use it. At most {@code capacity}
 * aggregates are kept, the least recently committed dropped first.
 *
 * @param <T> the aggregate's type
 */
public final class VersionCheckedCachingRepository<T> extends EventSourcingRepository<T> {

    private record Kept<T>(T root, long version) {
    }

    private final EventStore eventStore;
    private final Map<String, Kept<T>> kept;

    private VersionCheckedCachingRepository(Builder<T> builder, EventStore eventStore, int capacity) {
        super(builder);
        this.eventStore = eventStore;
        this.kept = Collections.synchronizedMap(new LinkedHashMap<String, Kept<T>>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Kept<T>> eldest) {
                return size() > capacity;
            }
        });
    }

    /**
     * A repository of {@code type} on {@code eventStore}, keeping at most {@code capacity} aggregates; the parameter
     * resolvers and handler definition of the application's Axon configuration when given (null: Axon's defaults).
     */
    public static <T> VersionCheckedCachingRepository<T> of(Class<T> type, EventStore eventStore, int capacity,
                                                            ParameterResolverFactory parameters, HandlerDefinition handlers) {
        Builder<T> builder = EventSourcingRepository.builder(type).eventStore(eventStore);
        if (parameters != null) {
            builder.parameterResolverFactory(parameters);
        }
        if (handlers != null) {
            builder.handlerDefinition(handlers);
        }
        return new VersionCheckedCachingRepository<>(builder, eventStore, capacity);
    }

    @Override
    protected EventSourcedAggregate<T> doLoadWithLock(String aggregateIdentifier, Long expectedVersion) {
        Kept<T> mine = kept.remove(aggregateIdentifier);
        EventSourcedAggregate<T> aggregate = mine != null && current(aggregateIdentifier, mine)
                ? EventSourcedAggregate.reconstruct(mine.root(), aggregateModel(), mine.version(), false, eventStore,
                NoSnapshotTriggerDefinition.TRIGGER)
                : super.doLoadWithLock(aggregateIdentifier, expectedVersion);
        keepAfterCommit(aggregateIdentifier, aggregate);
        return aggregate;
    }

    @Override
    protected EventSourcedAggregate<T> doCreateNewForLock(Callable<T> factoryMethod) throws Exception {
        EventSourcedAggregate<T> aggregate = super.doCreateNewForLock(factoryMethod);
        UnitOfWork<?> unit = CurrentUnitOfWork.get().root();
        // the identifier is known once the creating handler applied its first event
        unit.afterCommit(u -> keepOnceCommitted(aggregate.identifierAsString(), aggregate));
        return aggregate;
    }

    /** Whether the store holds no event of the aggregate beyond the kept version. */
    private boolean current(String aggregateIdentifier, Kept<T> mine) {
        return eventStore.lastSequenceNumberFor(aggregateIdentifier).map(last -> last == mine.version()).orElse(false);
    }

    private void keepAfterCommit(String aggregateIdentifier, EventSourcedAggregate<T> aggregate) {
        UnitOfWork<?> unit = CurrentUnitOfWork.get().root();
        unit.onRollback(u -> kept.remove(aggregateIdentifier));
        unit.afterCommit(u -> keepOnceCommitted(aggregateIdentifier, aggregate));
    }

    /** Keeps the aggregate now, or when the caller's transaction the unit joined commits (dropped if it rolls back). */
    private void keepOnceCommitted(String aggregateIdentifier, EventSourcedAggregate<T> aggregate) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            keep(aggregateIdentifier, aggregate);
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_COMMITTED) {
                    keep(aggregateIdentifier, aggregate);
                } else if (aggregateIdentifier != null) {
                    kept.remove(aggregateIdentifier);
                }
            }
        });
    }

    private void keep(String aggregateIdentifier, EventSourcedAggregate<T> aggregate) {
        Long version = aggregate.version();
        if (aggregateIdentifier != null && version != null && !aggregate.isDeleted()) {
            kept.put(aggregateIdentifier, new Kept<>(aggregate.getAggregateRoot(), version));
        }
    }

    /** How many aggregates are kept now (tests). */
    int keptCount() {
        return kept.size();
    }
}
