package org.openvdi.broker.audit;

import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/**
 * Sends commands with the acting person (or process) in the message metadata, so every event
 * records who caused it.
 */
@Component
public class AuditedCommands {

    public static final String SYSTEM = "system";

    private final CommandGateway gateway;

    AuditedCommands(CommandGateway gateway) {
        this.gateway = gateway;
    }

    public <R> R send(Object command, String actor) {
        return gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(Map.of("user", actor)));
    }

    public <R> R system(Object command) {
        return send(command, SYSTEM);
    }
}
