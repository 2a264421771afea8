package org.openvdi.gateway.tunnel;

import java.util.List;
import java.util.function.Consumer;

import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleFilter;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Keeps the tunnel's internal instructions (opcode {@code ""}) away from guacd and answers the browser's
 * {@code ping} with the same instruction, as guacamole-common's WebSocket endpoint does; every other
 * instruction passes to guacd unchanged.
 */
final class PingReplyFilter implements GuacamoleFilter {

    static final String PING = "ping";

    private final Consumer<String> replyToBrowser;

    PingReplyFilter(Consumer<String> replyToBrowser) {
        this.replyToBrowser = replyToBrowser;
    }

    @Override
    public GuacamoleInstruction filter(GuacamoleInstruction instruction) {
        if (!GuacamoleTunnel.INTERNAL_DATA_OPCODE.equals(instruction.getOpcode())) {
            return instruction;
        }
        List<String> args = instruction.getArgs();
        if (args.size() >= 2 && PING.equals(args.get(0))) {
            replyToBrowser.accept(
                    new GuacamoleInstruction(GuacamoleTunnel.INTERNAL_DATA_OPCODE, PING, args.get(1)).toString());
        }
        return null;
    }
}
