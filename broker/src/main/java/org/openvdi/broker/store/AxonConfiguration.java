package org.openvdi.broker.store;

import java.time.Clock;
import java.time.Duration;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Event store wiring beyond Axon's Spring Boot defaults. */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

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

    @Bean
    CorrelationDataProvider messageOrigin() {
        return new MessageOriginProvider();
    }
}
