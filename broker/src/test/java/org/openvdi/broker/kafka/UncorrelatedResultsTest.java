package org.openvdi.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.DefaultInterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.junit.jupiter.api.Test;

/**
 * The publisher's results take no correlation data: a batch runs as Axon's tracking processor runs it (a batching
 * unit of work, the processor's interceptors with Axon's correlation data interceptor innermost, a handler without
 * a result), and a correlation data provider counts how often it is asked.
 */
class UncorrelatedResultsTest {

    private final AtomicInteger asked = new AtomicInteger();
    private final CorrelationDataProvider counting = message -> {
        asked.incrementAndGet();
        return Map.of("user", "alice");
    };
    private final List<EventMessage<?>> batch = List.of(GenericEventMessage.asEventMessage("first"),
            GenericEventMessage.asEventMessage("second"), GenericEventMessage.asEventMessage("third"));

    @Test
    void givenABatch_whenThePublisherHandlesIt_thenNoCorrelationDataIsRead() {
        List<Object> handled = new ArrayList<>();

        BatchingUnitOfWork<EventMessage<?>> unitOfWork = run(List.of(new UncorrelatedResults(),
                new CorrelationDataInterceptor<>(List.of(counting))), message -> handled.add(message.getPayload()));

        assertThat(handled).containsExactly("first", "second", "third");
        assertThat(asked).hasValue(0);
        assertThat(unitOfWork.getExecutionResults().values())
                .allSatisfy(result -> assertThat(result.isExceptionResult()).isFalse());
    }

    @Test
    void givenNoInterceptor_whenTheBatchIsHandled_thenEveryResultReadsTheCorrelationData() {
        run(List.of(new CorrelationDataInterceptor<>(List.of(counting))), message -> true);

        assertThat(asked).hasValue(batch.size());
    }

    @Test
    void givenAFailingHandler_whenTheBatchIsHandled_thenTheFailureStaysTheResult() {
        ResultMessage<?>[] result = new ResultMessage<?>[1];
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        result[0] = unitOfWork.executeWithResult(() -> new DefaultInterceptorChain<>(unitOfWork,
                List.of(new UncorrelatedResults()), message -> {
                    throw new KafkaPublishException("Kafka is away", null);
                }).proceed(), RollbackConfigurationType.ANY_THROWABLE);

        assertThat(result[0].isExceptional()).isTrue();
        assertThat(result[0].exceptionResult()).isInstanceOf(KafkaPublishException.class);
    }

    private BatchingUnitOfWork<EventMessage<?>> run(List<MessageHandlerInterceptor<? super EventMessage<?>>> interceptors,
                                                    java.util.function.Function<EventMessage<?>, Object> handler) {
        BatchingUnitOfWork<EventMessage<?>> unitOfWork = new BatchingUnitOfWork<>(batch);
        unitOfWork.executeWithResult(() -> new DefaultInterceptorChain<EventMessage<?>>(unitOfWork, interceptors,
                message -> {
                    handler.apply(message);
                    return null;
                }).proceed(), RollbackConfigurationType.ANY_THROWABLE);
        return unitOfWork;
    }
}
