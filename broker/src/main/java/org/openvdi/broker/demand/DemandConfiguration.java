package org.openvdi.broker.demand;

import org.openvdi.broker.store.ProcessorClaims;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.context.annotation.Bean;

/**
 * The demand history's processor: pooled streaming, from the first stored event, in batches of 500 events per
 * transaction. Failures propagate: the processor keeps its token and retries the batch after a backoff, so no event
 * is ever skipped.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class DemandConfiguration {

    static final int BATCH_SIZE = 500;

    @Bean
    ConfigurerModule demandProcessor() {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessor(DemandProjection.GROUP, Configuration::eventStore,
                        (config, builder) -> builder.batchSize(BATCH_SIZE)
                                .initialSegmentCount(1)
                                // another broker takes the segment within a second of its claim timing out
                                .tokenClaimInterval(ProcessorClaims.CLAIM_INTERVAL_MILLIS)
                                .claimExtensionThreshold(ProcessorClaims.EXTENSION_MILLIS)
                                .initialToken(StreamableMessageSource::createTailToken))
                .registerListenerInvocationErrorHandler(DemandProjection.GROUP, config -> PropagatingErrorHandler.instance())
                .registerErrorHandler(DemandProjection.GROUP, config -> PropagatingErrorHandler.instance()));
    }
}
