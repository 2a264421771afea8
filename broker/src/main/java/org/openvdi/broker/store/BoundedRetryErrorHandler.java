package org.openvdi.broker.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.ListenerInvocationErrorHandler;
import org.openvdi.broker.error.BrokerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For the tracking processes: a handler that fails is retried, a bounded number of times, then given up on.
 * <ul>
 *   <li>A failure (database, timeout, a concurrent change of the same aggregate, a bug) is thrown on: the processor
 *   rolls back, keeps its token and handles the same event again after a backoff that doubles from 1 s.</li>
 *   <li>After {@code maxAttempts} failures of the same handler on the same event it is logged as an error and
 *   skipped, so one poison event cannot hold up every later one forever.</li>
 *   <li>A business refusal ({@link BrokerException}) is the aggregate's answer, not a fault: asking again gets the
 *   same answer, and the refusal stored nothing. It is logged and not retried.</li>
 * </ul>
 * Attempts are counted in memory: after a restart a skipped event is not handled again (the token moved past it),
 * and an event that was still being retried starts counting anew.
 */
final class BoundedRetryErrorHandler implements ListenerInvocationErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(BoundedRetryErrorHandler.class);
    private static final int REMEMBERED = 1000;

    private final int maxAttempts;
    private final Map<String, Integer> failures = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > REMEMBERED;
        }
    });

    BoundedRetryErrorHandler(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void onError(Exception exception, EventMessage<?> event, EventMessageHandler handler) throws Exception {
        String handlerName = handler.getTargetType().getSimpleName();
        BrokerException refusal = refusal(exception);
        if (refusal != null) {
            log.warn("{} was refused handling {} {}: {} {}; not retried", handlerName, event.getPayloadType().getSimpleName(),
                    event.getIdentifier(), refusal.code(), refusal.getMessage());
            return;
        }
        String key = event.getIdentifier() + "/" + handler.getTargetType().getName();
        int attempt = failures.merge(key, 1, Integer::sum);
        if (attempt < maxAttempts) {
            log.warn("{} failed handling {} {} (attempt {} of {}); it is retried: {}", handlerName,
                    event.getPayloadType().getSimpleName(), event.getIdentifier(), attempt, maxAttempts, exception.toString());
            throw exception;
        }
        failures.remove(key);
        log.error("{} failed handling {} {} {} times; giving up on this event and going on with the next", handlerName,
                event.getPayloadType().getSimpleName(), event.getIdentifier(), attempt, exception);
    }

    private static BrokerException refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BrokerException business) {
                return business;
            }
        }
        return null;
    }
}
