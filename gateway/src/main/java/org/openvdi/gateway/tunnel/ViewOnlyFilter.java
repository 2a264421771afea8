package org.openvdi.gateway.tunnel;

import java.util.Set;
import org.apache.guacamole.protocol.GuacamoleFilter;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Drops a view-only viewer's input before it reaches guacd: keyboard, mouse, touch, clipboard and every stream the
 * browser could open (files, pipes, audio). guacd's {@code read-only} already ignores them; this is the second
 * lock. Everything else (sync, ack of display streams, nop, disconnect) passes.
 */
final class ViewOnlyFilter implements GuacamoleFilter {

    static final Set<String> INPUT = Set.of("key", "mouse", "touch", "clipboard", "file", "pipe", "audio", "argv",
            "put", "blob", "end", "size");

    @Override
    public GuacamoleInstruction filter(GuacamoleInstruction instruction) {
        return INPUT.contains(instruction.getOpcode()) ? null : instruction;
    }
}
