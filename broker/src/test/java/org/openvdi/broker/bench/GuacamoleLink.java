package org.openvdi.broker.bench;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/** One open Guacamole connection to a desktop's display, however it is carried: instructions out and in. */
interface GuacamoleLink extends AutoCloseable {

    /** Sends complete instructions. */
    void send(String instructions) throws GuacamoleException;

    /** The next instruction, waiting for it; {@code null} once the other side closed the connection. */
    GuacamoleInstruction read() throws GuacamoleException;

    @Override
    void close();
}
