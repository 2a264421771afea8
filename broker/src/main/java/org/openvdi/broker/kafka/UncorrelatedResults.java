package org.openvdi.broker.kafka;

import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.GenericMessage;
import org.axonframework.messaging.GenericResultMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * The publisher's handler has no result, yet for every event Axon's unit of work wraps the handler's {@code null} in a
 * new result message, and a new message takes the unit of work's correlation data: every correlation data provider
 * (the acting user, the message's origin) reads the event's metadata, so Axon deserializes every event's metadata
 * only to drop that result. This interceptor, outermost in the publisher's processor, answers one shared empty result
 * instead (it carries no correlation data): the unit of work keeps a result
 * message as it is. A failure of the handler still propagates unchanged. Only the publisher's processor has it: the
 * publisher sends no Axon messages, so no correlation data is lost.
 */
final class UncorrelatedResults implements MessageHandlerInterceptor<EventMessage<?>> {

    /** Built with its own id and empty metadata, the constructor that takes no correlation data. */
    private static final ResultMessage<Void> NONE = new GenericResultMessage<>(
            new GenericMessage<>(UUID.randomUUID().toString(), Void.class, null, MetaData.emptyInstance()));

    @Override
    public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain interceptorChain)
            throws Exception {
        interceptorChain.proceed();
        return NONE;
    }
}
