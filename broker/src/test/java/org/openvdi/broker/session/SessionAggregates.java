package org.openvdi.broker.session;

import java.util.function.Consumer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;

/**
 * The real Session aggregate behind a real in-memory Axon command bus and event store, for tests of
 * processes in other features that need its decisions. Every event it applies goes to {@code events}.
 */
public final class SessionAggregates implements AutoCloseable {

    private final Configuration axon;

    public SessionAggregates(Consumer<EventMessage<?>> events) {
        axon = DefaultConfigurer.defaultConfiguration()
                .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
                .configureAggregate(Session.class)
                .buildConfiguration();
        axon.start();
        axon.eventBus().subscribe(messages -> messages.forEach(events));
    }

    public CommandGateway commandGateway() {
        return axon.commandGateway();
    }

    @Override
    public void close() {
        axon.shutdown();
    }
}
