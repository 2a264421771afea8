package org.openvdi.broker.kafka;

import org.openvdi.broker.store.ProcessorClaims;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.kafka.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;

/**
 * The publisher's processor and producer.
 * <p>
 * Processor: tracking, one thread, batches of {@code openvdi.kafka.publish-batch-size} events, starting at the
 * beginning of the event store (a new publisher publishes the whole history), up to
 * {@code openvdi.kafka.publish-window} batches in flight ({@link PublicationWindow}), its position stored only as far
 * as Kafka acknowledged ({@link AcknowledgedTokenStore} over the broker's token store). Handler and commit failures
 * propagate instead of being logged and skipped, so the processor keeps its token, releases its claim and
 * retries the batch after a backoff that doubles from 1 s up to 60 s. The handler's results take no correlation
 * data ({@link UncorrelatedResults}), so the events' metadata is not deserialized for them.
 * <p>
 * Producer (the broker's only one): CloudEvents as values ({@code openvdi.kafka.event-encoding}), aggregate ids as
 * keys, and whatever {@code spring.kafka.producer.*} says, except that what ordering and at-least-once rest on is
 * enforced here: idempotence, {@code acks=all} and at most five requests in flight per connection.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "openvdi.kafka", name = "enabled", havingValue = "true", matchIfMissing = true)
class EventPublicationConfiguration {

    static final int MAX_IN_FLIGHT = 5;

    @Bean
    PublicationWindow publicationWindow(KafkaSettings settings) {
        return new PublicationWindow(settings.publishWindow(), settings.sendTimeout());
    }

    @Bean
    ConfigurerModule kafkaPublisherProcessor(KafkaSettings settings, PublicationWindow window) {
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerTokenStore(DomainEventPublisher.GROUP,
                        config -> new AcknowledgedTokenStore(config.getComponent(TokenStore.class), window))
                .registerTrackingEventProcessor(DomainEventPublisher.GROUP, Configuration::eventStore,
                        config -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                                .andBatchSize(settings.publishBatchSize())
                                // another broker takes the publication within a second of its claim timing out
                                .andTokenClaimInterval(ProcessorClaims.CLAIM_INTERVAL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)
                                .andInitialTrackingToken(StreamableMessageSource::createTailToken))
                .registerHandlerInterceptor(DomainEventPublisher.GROUP, config -> new UncorrelatedResults())
                .registerListenerInvocationErrorHandler(DomainEventPublisher.GROUP, config -> PropagatingErrorHandler.instance())
                .registerErrorHandler(DomainEventPublisher.GROUP, config -> PropagatingErrorHandler.instance()));
    }

    @Bean
    DomainCloudEvents domainCloudEvents(KafkaSettings settings, ObjectMapper json,
                                        @Qualifier("eventSerializer") Serializer eventSerializer) {
        return cloudEvents(settings, json, eventSerializer);
    }

    /**
     * The CloudEvents of the publisher. When the event store writes payloads with the same JSON mapper, each event's
     * data is the payload as stored (no deserializing and writing again, the same bytes); otherwise it is written
     * with {@code json}.
     */
    static DomainCloudEvents cloudEvents(KafkaSettings settings, ObjectMapper json, Serializer eventSerializer) {
        boolean sameJson = eventSerializer instanceof JacksonSerializer jackson && jackson.getObjectMapper() == json;
        return new DomainCloudEvents(settings.eventSource(), json, sameJson ? eventSerializer : null);
    }

    @Bean
    DefaultKafkaProducerFactoryCustomizer cloudEventProducer(KafkaSettings settings) {
        return factory -> cloudEventProducer(factory, settings);
    }

    /**
     * Makes {@code factory} a producer of CloudEvents keyed by string, idempotent and in order. A record it was
     * handed is retried until Kafka takes it, never given up after a delivery timeout: the publisher keeps several
     * batches in flight, and if an older batch could expire while a younger one, sent after it, got through once
     * Kafka was back, events of one aggregate would arrive out of order. So during an outage the records wait in the
     * producer, in order; the publisher's own send timeout only makes it read its batches again from its stored
     * position (copies with the same ids, after the first ones).
     */
    @SuppressWarnings("unchecked")
    static void cloudEventProducer(DefaultKafkaProducerFactory<?, ?> factory, KafkaSettings settings) {
        DefaultKafkaProducerFactory<String, CloudEvent> producer = (DefaultKafkaProducerFactory<String, CloudEvent>) factory;
        Object inFlight = producer.getConfigurationProperties().get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        int maxInFlight = inFlight == null ? MAX_IN_FLIGHT : Math.min(MAX_IN_FLIGHT, Integer.parseInt(inFlight.toString()));
        // the factory configures the serializers with the producer's properties when it creates a producer
        producer.updateConfigs(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, maxInFlight,
                CloudEventSerializer.ENCODING_CONFIG, settings.eventEncoding(),
                CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE));
        producer.setKeySerializer(new StringSerializer());
        producer.setValueSerializer(new CloudEventSerializer());
    }
}
