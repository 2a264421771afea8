package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.AnnotationEventHandlerAdapter;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.openvdi.broker.libvirt.LibvirtHypervisor;
import org.openvdi.broker.libvirt.LibvirtSettings;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A small Spring context for driving one process directly, on real parts: the shared embedded
 * PostgreSQL with every read model's real projection and queries, the real libvirt adapter on
 * libvirt's test driver, and a real Axon command bus that records the commands the process sends.
 * Nothing is scheduled and no event processor runs: the test calls the process's handlers and
 * scheduled methods itself. Read models are given as events, applied by the real projections.
 * Start one per test class and {@link #reset()} it before each test.
 */
public final class ProcessHarness implements AutoCloseable {

    /** Where the test driver's storage pools are created (it keeps them in memory). */
    public static final Path POOL_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "openvdi-process-tests");

    private final AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    private final RecordedCommands commands = new RecordedCommands();
    private List<AnnotationEventHandlerAdapter> projections;

    /** Starts a context with the read models, the adapter, the command bus and {@code components}. */
    public static ProcessHarness start(Class<?>... components) {
        return start(Map.of(), components);
    }

    /** As {@link #start(Class[])}, with ready-made beans (settings records, say) registered first. */
    public static ProcessHarness start(Map<Class<?>, Object> instances, Class<?>... components) {
        ProcessHarness harness = new ProcessHarness();
        // settings such as "10m" bind as Spring Boot binds them
        harness.context.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance());
        harness.context.register(ReadModels.class);
        harness.context.registerBean(RecordedCommands.class, () -> harness.commands);
        instances.forEach((type, bean) -> register(harness.context, type, bean));
        for (Class<?> component : components) {
            harness.context.registerBean(component);
        }
        harness.context.refresh();
        harness.projections = harness.context.getBeansWithAnnotation(ProcessingGroup.class).values().stream()
                .filter(bean -> "projections".equals(bean.getClass().getAnnotation(ProcessingGroup.class).value()))
                .map(AnnotationEventHandlerAdapter::new).toList();
        return harness;
    }

    @SuppressWarnings("unchecked")
    private static <T> void register(AnnotationConfigApplicationContext context, Class<T> type, Object bean) {
        // primary: a given command gateway (a real aggregate's, say) stands in for the recording one
        context.registerBean(type, () -> (T) bean, definition -> definition.setPrimary(true));
    }

    /** Empty read models and a command bus that accepts nothing yet: call before each test. */
    public RecordedCommands reset() {
        SharedPostgres.truncate();
        commands.reset();
        return commands;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public RecordedCommands commands() {
        return commands;
    }

    public LibvirtHypervisor hypervisor() {
        return context.getBean(LibvirtHypervisor.class);
    }

    public JdbcClient jdbc() {
        return context.getBean(JdbcClient.class);
    }

    /** Applies the events, stamped now, through every projection that handles them. */
    public ProcessHarness given(Object... events) {
        return givenAt(Instant.now(), events);
    }

    /** Applies the events, stamped {@code at}, through every projection that handles them. */
    public ProcessHarness givenAt(Instant at, Object... events) {
        for (Object event : events) {
            project(new GenericEventMessage<>(UUID.randomUUID().toString(), event, Map.of(), at));
        }
        return this;
    }

    /** Applies one event message (from a real aggregate, say) through every projection that handles it. */
    public void project(EventMessage<?> message) {
        for (AnnotationEventHandlerAdapter projection : projections) {
            if (projection.canHandle(message)) {
                try {
                    projection.handle(message);
                } catch (Exception e) {
                    throw new IllegalStateException("Projecting " + message.getPayload() + " failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        context.close();
    }

    /**
     * The read models (projections and queries of every feature but the audit log, which no process reads) and
     * the parts every process uses. Not a {@code @Configuration}, so that the whole broker's component scan in
     * other tests never finds it.
     */
    @ComponentScan(basePackages = "org.openvdi.broker", useDefaultFilters = false, includeFilters = @ComponentScan.Filter(
            type = FilterType.REGEX, pattern = "org\\.openvdi\\.broker\\.(?!auditlog\\.)\\w+\\.(\\w+Projection|\\w+Queries|PoolDemand"
                    + "|SpareCapacityPolicy|TrustedDesktops|AuditedCommands|ClusterLock|ReadModelWrites)"))
    static class ReadModels {

        // shared by every harness of the JVM: closing one harness must not close the pool
        @Bean(destroyMethod = "")
        DataSource dataSource() {
            return SharedPostgres.dataSource();
        }

        @Bean
        JdbcClient jdbcClient(DataSource dataSource) {
            return JdbcClient.create(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        CommandGateway commandGateway(RecordedCommands commands) {
            return commands.gateway();
        }

        /** As the broker's (Spring's defaults, the modules on the class path): projections that keep JSON use it. */
        @Bean
        ObjectMapper objectMapper() {
            return Jackson2ObjectMapperBuilder.json().build();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean(destroyMethod = "close")
        LibvirtHypervisor hypervisor() {
            return new LibvirtHypervisor(new LibvirtSettings(POOL_ROOT, Duration.ofSeconds(15)));
        }
    }
}
