package org.openvdi.broker.auditlog;

import org.openvdi.broker.store.ProcessorClaims;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.context.annotation.Bean;

/**
 * The audit log's processor: pooled streaming, from the first stored event, in batches of
 * {@code openvdi.audit.log.batch-size} events per transaction. Failures propagate: the processor keeps its token and
 * retries the batch after a backoff, so no event is ever skipped.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
class AuditLogConfiguration {

    @Bean
    ConfigurerModule auditLogProcessor(AuditLogSettings settings) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerPooledStreamingEventProcessor(AuditLogProjection.GROUP, Configuration::eventStore,
                        (config, builder) -> builder.batchSize(settings.batchSize())
                                .initialSegmentCount(1)
                                // another broker takes the segment within a second of its claim timing out
                                .tokenClaimInterval(ProcessorClaims.CLAIM_INTERVAL_MILLIS)
                                .claimExtensionThreshold(ProcessorClaims.EXTENSION_MILLIS)
                                .initialToken(StreamableMessageSource::createTailToken))
                .registerListenerInvocationErrorHandler(AuditLogProjection.GROUP, config -> PropagatingErrorHandler.instance())
                .registerErrorHandler(AuditLogProjection.GROUP, config -> PropagatingErrorHandler.instance()));
    }
}
