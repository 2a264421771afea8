package org.openvdi.broker.store;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.dao.QueryTimeoutException;

/** The processes retry a failed event (the processor handles it again after a backoff), but not forever. */
class BoundedRetryErrorHandlerTest {

    private static final EventMessageHandler HANDLER = new EventMessageHandler() {
        @Override
        public Object handle(EventMessage<?> event) {
            return null;
        }
    };

    private final BoundedRetryErrorHandler handler = new BoundedRetryErrorHandler(3);
    private final EventMessage<?> event = GenericEventMessage.asEventMessage("an event");
    private final QueryTimeoutException failure = new QueryTimeoutException("the database did not answer");

    @Test
    void givenAFailingHandler_whenItFailsLessOftenThanAllowed_thenTheFailureIsThrownSoTheEventIsRetried() {
        assertThatThrownBy(() -> handler.onError(failure, event, HANDLER)).isSameAs(failure);
        assertThatThrownBy(() -> handler.onError(failure, event, HANDLER)).isSameAs(failure);
    }

    @Test
    void givenAPoisonEvent_whenItFailedAsOftenAsAllowed_thenItIsGivenUpOnAndTheProcessorGoesOn() throws Exception {
        assertThatThrownBy(() -> handler.onError(failure, event, HANDLER)).isSameAs(failure);
        assertThatThrownBy(() -> handler.onError(failure, event, HANDLER)).isSameAs(failure);

        assertThatCode(() -> handler.onError(failure, event, HANDLER)).doesNotThrowAnyException();
        // another event starts its own count
        assertThatThrownBy(() -> handler.onError(failure, GenericEventMessage.asEventMessage("next"), HANDLER))
                .isSameAs(failure);
    }

    @Test
    void givenABusinessRefusal_whenReported_thenItIsNotRetried() {
        BrokerException refusal = new BrokerException(ErrorCode.ILLEGAL_STATE, "Desktop is DESTROYED");

        assertThatCode(() -> handler.onError(new IllegalStateException("wrapped", refusal), event, HANDLER))
                .doesNotThrowAnyException();
    }
}
