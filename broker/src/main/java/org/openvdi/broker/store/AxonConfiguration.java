package org.openvdi.broker.store;

import java.time.Clock;
import java.time.Duration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Event store wiring beyond Axon's Spring Boot defaults. */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

    static final String PROCESSES = "processes";
    /** Attempts at one event before the processes give up on it: 1 + 2 + 4 + 8 s of backoff in between. */
    static final int PROCESS_ATTEMPTS = 5;

    /**
     * The event store keeps timestamps to the millisecond; events are stamped with that precision
     * from the start, so a read model rebuilt from the store equals the one built live.
     */
    AxonConfiguration() {
        GenericEventMessage.clock = Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }

    /** Copies the acting user from each command onto the events it causes, for the audit trail. */
    @Bean
    CorrelationDataProvider actorCorrelation() {
        return new SimpleCorrelationDataProvider("user");
    }

    /**
     * No event handler failure is swallowed (Axon's default logs it and goes on with the next handler):
     * <ul>
     *   <li>Subscribing processors ({@code projections}, {@code session-claims}) run in the transaction of the
     *   command that published the events. A failure propagates: the command fails, and its events and every row
     *   written with them roll back together. A unique key of a read model (a name) thus refuses the command.</li>
     *   <li>The tracking {@code processes} retry a failed event a few times with the processor's backoff (about
     *   15 s in all), then log it as an error and go on (see {@link BoundedRetryErrorHandler}).</li>
     *   <li>Every other processor propagates, so it retries with backoff until the failure is repaired.</li>
     * </ul>
     */
    @Bean
    ConfigurerModule eventHandlerFailures() {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerDefaultListenerInvocationErrorHandler(config -> PropagatingErrorHandler.instance())
                .registerDefaultErrorHandler(config -> PropagatingErrorHandler.instance())
                .registerListenerInvocationErrorHandler(PROCESSES, config -> new BoundedRetryErrorHandler(PROCESS_ATTEMPTS)));
    }

    @Bean
    CorrelationDataProvider messageOrigin() {
        return new MessageOriginProvider();
    }
}
