package org.openvdi.broker.store;

import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Builds the repositories of the aggregates a session request loads (the session, the desktop): each keeps up to
 * {@code openvdi.event-store.aggregate-cache-size} committed aggregates in memory and uses one only after the store
 * confirmed that it holds no newer event of it ({@link VersionCheckedCachingRepository}); 0 turns keeping off.
 */
@Component
public class AggregateRepositories {

    private final EventStore eventStore;
    private final ObjectProvider<ParameterResolverFactory> parameters;
    private final ObjectProvider<HandlerDefinition> handlers;
    private final int capacity;

    AggregateRepositories(EventStore eventStore, ObjectProvider<ParameterResolverFactory> parameters,
                          ObjectProvider<HandlerDefinition> handlers,
                          @Value("${openvdi.event-store.aggregate-cache-size:4096}") int capacity) {
        this.eventStore = eventStore;
        this.parameters = parameters;
        this.handlers = handlers;
        this.capacity = capacity;
    }

    public <T> Repository<T> versionChecked(Class<T> type) {
        ParameterResolverFactory p = parameters.getIfUnique();
        HandlerDefinition h = handlers.getIfUnique();
        if (capacity > 0) {
            return VersionCheckedCachingRepository.of(type, eventStore, capacity, p, h);
        }
        EventSourcingRepository.Builder<T> builder = EventSourcingRepository.builder(type).eventStore(eventStore);
        if (p != null) {
            builder.parameterResolverFactory(p);
        }
        if (h != null) {
            builder.handlerDefinition(h);
        }
        EventSourcingRepository<T> plain = builder.build();
        return plain;
    }
}
