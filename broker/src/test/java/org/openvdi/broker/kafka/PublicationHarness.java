package org.openvdi.broker.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.message.Encoding;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.openvdi.broker.store.EventStoreConfiguration;
import org.openvdi.broker.store.EventStoreSettings;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The publisher's process on real parts, without the rest of the broker: Axon's JDBC event store and token store
 * on a real PostgreSQL (the broker's schema), the publisher's tracking processor configured by the product's own
 * {@link EventPublicationConfiguration}, and a producer with the product's settings from {@code application.yml}
 * sending to a real Kafka. Tests append events to the store and watch the processor's position and the topic.
 */
final class PublicationHarness implements AutoCloseable {

    static final String TOPIC = "openvdi.events";

    private final Configuration axon;
    private final JdbcEventStorageEngine store;
    private final DefaultKafkaProducerFactory<String, CloudEvent> producers;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    private PublicationHarness(Configuration axon, JdbcEventStorageEngine store,
                               DefaultKafkaProducerFactory<String, CloudEvent> producers, JdbcClient jdbc, ObjectMapper json) {
        this.axon = axon;
        this.store = store;
        this.producers = producers;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Settings as the broker has them by default, with the given encoding, batch size and broker password. */
    static KafkaSettings settings(Encoding encoding, int batchSize, String brokerPassword) {
        return settings(encoding, batchSize, 8, brokerPassword);
    }

    /** The same with {@code window} batches in flight at most. */
    static KafkaSettings settings(Encoding encoding, int batchSize, int window, String brokerPassword) {
        return new KafkaSettings(true, false, 0, "unused", TOPIC, URI.create("urn:openvdi:broker:harness"), encoding,
                batchSize, window, "openvdi.connections", "openvdi-broker", 3, (short) 1, Duration.ofSeconds(15),
                "openvdi-broker", brokerPassword, "openvdi-gateway", null, "openvdi-audit", "audit-pw", "openvdi.checkpoints");
    }

    /**
     * Builds the processor (not started yet: {@link #start()}).
     *
     * @param producerOverrides producer properties that replace those of {@code application.yml} (shorter timeouts)
     */
    static PublicationHarness create(DataSource dataSource, String bootstrapServers, KafkaSettings settings,
                                     Map<String, Object> producerOverrides) {
        ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
        JacksonSerializer serializer = JacksonSerializer.builder().objectMapper(json).build();
        SpringTransactionManager transactions = new SpringTransactionManager(new DataSourceTransactionManager(dataSource));
        ConnectionProvider connections = new SpringDataSourceConnectionProvider(dataSource);
        JdbcEventStorageEngine store = EventStoreConfiguration.engine(new EventStoreSettings(Integer.parseInt(
                        applicationYml().getProperty("openvdi.event-store.read-batch-size")))).connectionProvider(connections)
                .transactionManager(transactions).eventSerializer(serializer).snapshotSerializer(serializer).build();

        DefaultKafkaProducerFactory<String, CloudEvent> producers = new DefaultKafkaProducerFactory<>(
                producerConfig(bootstrapServers, settings, producerOverrides));
        EventPublicationConfiguration.cloudEventProducer(producers, settings);
        EventPublicationConfiguration publication = new EventPublicationConfiguration();
        PublicationWindow window = publication.publicationWindow(settings);
        DomainEventPublisher publisher = new DomainEventPublisher(new KafkaTemplate<>(producers),
                EventPublicationConfiguration.cloudEvents(settings, json, serializer), settings, window);

        Configurer configurer = DefaultConfigurer.defaultConfiguration()
                .configureSerializer(config -> serializer)
                .configureEventSerializer(config -> serializer)
                .configureTransactionManager(config -> transactions)
                .configureEmbeddedEventStore(config -> store)
                .registerComponent(TokenStore.class,
                        config -> JdbcTokenStore.builder().connectionProvider(connections).serializer(serializer).build());
        configurer.eventProcessing().registerEventHandler(config -> publisher);
        publication.kafkaPublisherProcessor(settings, window).configureModule(configurer);
        return new PublicationHarness(configurer.buildConfiguration(), store, producers, JdbcClient.create(dataSource), json);
    }

    /** The producer properties of {@code application.yml}, signed in as the broker, with the overrides. */
    private static Map<String, Object> producerConfig(String bootstrapServers, KafkaSettings settings,
                                                      Map<String, Object> overrides) {
        Properties properties = applicationYml();
        Map<String, Object> config = new HashMap<>();
        String prefix = "spring.kafka.producer.properties.";
        properties.stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                .forEach(name -> config.put(name.substring(prefix.length()), properties.getProperty(name)));
        config.put(ProducerConfig.ACKS_CONFIG, properties.getProperty("spring.kafka.producer.acks"));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Map<String, String> security = new HashMap<>();
        settings.clientCredentials().ifPresent(credentials -> KafkaClientSecurity.apply(security, credentials));
        config.putAll(security);
        config.putAll(overrides);
        return config;
    }

    private static Properties applicationYml() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        return yaml.getObject();
    }

    void start() {
        axon.start();
    }

    /** Appends events to the store in one transaction. */
    void append(List<? extends EventMessage<?>> events) {
        store.appendEvents(events);
    }

    /** The global index of the newest stored event (-1: none). */
    long head() {
        Long head = jdbc.sql("SELECT max(globalindex) FROM domainevententry").query(Long.class).single();
        return head == null ? -1 : head;
    }

    /**
     * The processor's stored position: the global index up to which Kafka acknowledged every event (-1: nothing
     * yet). The processor reads ahead of it ({@link #readPosition()}) while batches are in flight.
     */
    long position() {
        return jdbc.sql("SELECT token FROM tokenentry WHERE processorname = ? AND token IS NOT NULL")
                .param(DomainEventPublisher.GROUP).query(byte[].class).optional().map(this::index).orElse(-1L);
    }

    /** The global index of the last event the processor handed to Kafka (-1: none). */
    long readPosition() {
        return processor().processingStatus().values().stream()
                .mapToLong(status -> status.getCurrentPosition().orElse(-1)).min().orElse(-1);
    }

    private long index(byte[] token) {
        try {
            return json.readTree(token).path("index").asLong(-1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The publisher's stored token is not JSON", e);
        }
    }

    /** Whether the processor failed a batch and waits to retry it from its stored position. */
    boolean erroring() {
        return processor().processingStatus().values().stream().anyMatch(status -> status.isErrorState());
    }

    TrackingEventProcessor processor() {
        return axon.eventProcessingConfiguration().eventProcessor(DomainEventPublisher.GROUP, TrackingEventProcessor.class)
                .orElseThrow();
    }

    @Override
    public void close() {
        axon.shutdown();
        producers.destroy();
    }
}
