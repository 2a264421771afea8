package org.openvdi.broker.bench;

import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A Guacamole connection straight to guacd over TCP with guacamole-common's client classes, sized and configured
 * like the gateway's own guacd connections: the baseline the gateway's tunnel is compared with.
 */
final class DirectGuacdLink implements GuacamoleLink {

    private final ConfiguredGuacamoleSocket socket;

    private DirectGuacdLink(ConfiguredGuacamoleSocket socket) {
        this.socket = socket;
    }

    /** Connects and completes the Guacamole handshake (select, args, size, audio, video, image, connect, ready). */
    static DirectGuacdLink open(String guacdHost, int guacdPort, DisplayGrant grant, int width, int height)
            throws GuacamoleException {
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(width);
        information.setOptimalScreenHeight(height);
        information.setOptimalResolution(96);
        information.getImageMimetypes().addAll(List.of("image/jpeg", "image/png", "image/webp"));
        InetGuacamoleSocket tcp = new InetGuacamoleSocket(guacdHost, guacdPort);
        try {
            return new DirectGuacdLink(new ConfiguredGuacamoleSocket(tcp, grant.configuration(), information));
        } catch (GuacamoleException e) {
            tcp.close();
            throw e;
        }
    }

    @Override
    public void send(String instructions) throws GuacamoleException {
        socket.getWriter().write(instructions.toCharArray());
    }

    @Override
    public GuacamoleInstruction read() throws GuacamoleException {
        return socket.getReader().readInstruction();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (GuacamoleException e) {
            throw new IllegalStateException("closing the guacd socket failed", e);
        }
    }
}
