package org.openvdi.broker.kafka;

import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The publisher's processor: tracking, one thread, starting at the beginning of the event store
 * (a new publisher publishes the whole history). Handler failures propagate instead of being
 * logged and skipped, so the processor keeps its token, releases its claim and retries after a
 * backoff that doubles from 1 s up to 60 s.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class EventPublicationConfiguration {

    @Bean
    ConfigurerModule kafkaPublisherProcessor() {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerTrackingEventProcessor(DomainEventPublisher.GROUP, Configuration::eventStore,
                        config -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andInitialTrackingToken(StreamableMessageSource::createTailToken))
                .registerListenerInvocationErrorHandler(DomainEventPublisher.GROUP, config -> PropagatingErrorHandler.instance())
                .registerErrorHandler(DomainEventPublisher.GROUP, config -> PropagatingErrorHandler.instance()));
    }
}
