package org.openvdi.broker.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.common.Registration;

/**
 * A real in-process Axon command bus whose handlers record what a process sends. A command type nobody
 * declared is refused by the bus (no handler), so a process sending something unexpected fails its test.
 */
public final class RecordedCommands {

    private final SimpleCommandBus bus = SimpleCommandBus.builder().build();
    private final CommandGateway gateway = DefaultCommandGateway.builder().commandBus(bus).build();
    private final List<CommandMessage<?>> sent = new CopyOnWriteArrayList<>();
    private final List<Registration> handlers = new CopyOnWriteArrayList<>();

    public CommandGateway gateway() {
        return gateway;
    }

    /** Records commands of these types and answers them with no result. */
    public RecordedCommands accept(Class<?>... types) {
        for (Class<?> type : types) {
            answer(type, command -> null);
        }
        return this;
    }

    /** Records commands of this type and answers each with {@code answer} (which may throw, as a rejection). */
    @SuppressWarnings("unchecked")
    public <C> RecordedCommands answer(Class<C> type, Function<C, Object> answer) {
        handlers.add(bus.subscribe(type.getName(), message -> {
            sent.add(message);
            return answer.apply((C) message.getPayload());
        }));
        return this;
    }

    /** Forgets what was sent and every handler: the next test declares its own. */
    public void reset() {
        handlers.forEach(Registration::cancel);
        handlers.clear();
        sent.clear();
    }

    /** The payloads of the commands of this type sent so far, in order. */
    public <C> List<C> sent(Class<C> type) {
        return sent.stream().map(CommandMessage::getPayload).filter(type::isInstance).map(type::cast).toList();
    }

    /** Every command sent so far, in order. */
    public List<Object> all() {
        return sent.stream().<Object>map(CommandMessage::getPayload).toList();
    }

    /** Who every command sent so far was sent by (the "user" metadata). */
    public List<Object> actors() {
        return sent.stream().map(m -> m.getMetaData().get("user")).toList();
    }
}
