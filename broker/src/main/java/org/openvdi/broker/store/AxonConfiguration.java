package org.openvdi.broker.store;

import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Event store wiring beyond Axon's Spring Boot defaults. */
@Configuration(proxyBeanMethods = false)
class AxonConfiguration {

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
