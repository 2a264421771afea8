package org.openvdi.broker.store;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandCallback;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandResultMessage;
import org.axonframework.common.Registration;
import org.axonframework.common.lock.LockAcquisitionFailedException;
import org.axonframework.messaging.MessageDispatchInterceptor;
import org.axonframework.messaging.MessageHandler;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Commands to one aggregate take turns here, before the command bus opens their transaction. Axon's command bus
 * takes a connection from the pool for the unit of work first and the aggregate's lock after it, so fifty requests
 * racing for one aggregate held up to fifty connections while they queued on its lock, one at a time moving on: the
 * 16 connections of the pool were all checked out for as long as the queue lasted, and every other request (of any
 * aggregate, any read) timed out on the pool. Waiting here costs no connection; the aggregate's own lock, taken after
 * the transaction, is then free in this broker and stays the guard within a unit of work (and the event store's
 * unique sequence the guard between brokers). A command inside a {@link ClaimingTransaction} waits only briefly:
 * its transaction holds a connection and row locks already.
 * <p>
 * The command bus handles a command in the dispatching thread ({@code SimpleCommandBus}), so the turn ends when
 * {@code dispatch} returns. A command of the same aggregate sent while handling one (same thread) re-enters its turn.
 * Creation commands (no target identifier) take no turn. A turn not given within {@code wait} is reported as
 * {@link LockAcquisitionFailedException}: a lost race, retried like one ({@link CommandRetries}) and answered 503
 * BUSY at the end. Turns are kept only while someone holds or awaits them.
 */
final class AggregateTurns implements CommandBus {

    private final CommandBus delegate;
    private final Duration wait;
    private final CommandTargetResolver targets = AnnotationCommandTargetResolver.builder().build();
    private final Map<String, Turn> turns = new ConcurrentHashMap<>();

    AggregateTurns(CommandBus delegate, Duration wait) {
        this.delegate = delegate;
        this.wait = wait;
    }

    private static final class Turn {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    @Override
    public <C> void dispatch(CommandMessage<C> command) {
        dispatch(command, (message, result) -> { });
    }

    @Override
    public <C, R> void dispatch(CommandMessage<C> command, CommandCallback<? super C, ? super R> callback) {
        String aggregate = target(command);
        if (aggregate == null) {
            delegate.dispatch(command, callback);
            return;
        }
        Turn turn = turns.compute(aggregate, (id, existing) -> {
            Turn t = existing == null ? new Turn() : existing;
            t.users++;
            return t;
        });
        try {
            Duration patience = ClaimingTransaction.active() ? ClaimingTransaction.TURN_WAIT : wait;
            if (!awaitTurn(turn, patience)) {
                callback.onResult(command, GenericCommandResultMessage.asCommandResultMessage(new LockAcquisitionFailedException(
                        "No turn for aggregate " + aggregate + " within " + patience.toMillis() + " ms")));
                return;
            }
            try {
                delegate.dispatch(command, callback);
            } finally {
                turn.lock.unlock();
            }
        } finally {
            turns.computeIfPresent(aggregate, (id, t) -> --t.users == 0 ? null : t);
        }
    }

    private static boolean awaitTurn(Turn turn, Duration patience) {
        try {
            return turn.lock.tryLock(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The target aggregate's identifier, or null for a command that creates its aggregate. Read from the field marked
     * {@link TargetAggregateIdentifier}, found once per command class (Axon's resolver looks through the class's
     * annotations on every command, about half the cost of sending one); a class without one goes to Axon's resolver.
     */
    private String target(CommandMessage<?> command) {
        Object payload = command.getPayload();
        Optional<Field> field = payload == null ? Optional.empty() : TARGET_FIELDS.get(payload.getClass());
        if (field.isPresent()) {
            try {
                Object id = field.get().get(payload);
                return id == null ? null : id.toString();
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Cannot read the target of " + payload.getClass().getName(), e);
            }
        }
        try {
            return targets.resolveTarget(command).getIdentifier();
        } catch (IllegalArgumentException noTarget) {
            return null;
        }
    }

    /** The field marked {@link TargetAggregateIdentifier} of each command class, if it has one. */
    private static final ClassValue<Optional<Field>> TARGET_FIELDS = new ClassValue<>() {
        @Override
        protected Optional<Field> computeValue(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (field.isAnnotationPresent(TargetAggregateIdentifier.class) && field.trySetAccessible()) {
                        return Optional.of(field);
                    }
                }
            }
            return Optional.empty();
        }
    };

    /** Number of aggregates someone holds or awaits a turn of (tests: none are kept after use). */
    int aggregatesInUse() {
        return turns.size();
    }

    @Override
    public Registration subscribe(String commandName, MessageHandler<? super CommandMessage<?>> handler) {
        return delegate.subscribe(commandName, handler);
    }

    @Override
    public Registration registerHandlerInterceptor(MessageHandlerInterceptor<? super CommandMessage<?>> interceptor) {
        return delegate.registerHandlerInterceptor(interceptor);
    }

    @Override
    public Registration registerDispatchInterceptor(MessageDispatchInterceptor<? super CommandMessage<?>> interceptor) {
        return delegate.registerDispatchInterceptor(interceptor);
    }
}
