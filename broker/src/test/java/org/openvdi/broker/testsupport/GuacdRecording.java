package org.openvdi.broker.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * What the gateway does with a grant that names a recording: it connects guacd to the display with
 * {@code recording-path} and {@code recording-name}, and guacd writes the connection's recording while it streams
 * the display; here the stream is read and acknowledged (each {@code sync} answered) for a while, then closed.
 */
public final class GuacdRecording {

    private GuacdRecording() {
    }

    /** Streams the display through guacd for {@code lasting}, recorded into {@code directory/name}; answers the syncs seen. */
    public static int record(int guacdPort, int vncPort, String password, Path directory, String name, Duration lasting)
            throws GuacamoleException {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol("vnc");
        configuration.setParameter("hostname", "127.0.0.1");
        configuration.setParameter("port", Integer.toString(vncPort));
        configuration.setParameter("password", password);
        configuration.setParameter("recording-path", directory.toString());
        configuration.setParameter("recording-name", name);
        configuration.setParameter("create-recording-path", "true");
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(800);
        information.setOptimalScreenHeight(600);
        information.getImageMimetypes().addAll(List.of("image/png", "image/jpeg"));
        ConfiguredGuacamoleSocket socket = new ConfiguredGuacamoleSocket(
                new InetGuacamoleSocket("127.0.0.1", guacdPort), configuration, information);
        long deadline = System.nanoTime() + lasting.toNanos();
        int syncs = 0;
        try {
            while (System.nanoTime() < deadline) {
                GuacamoleInstruction instruction = socket.getReader().readInstruction();
                if (instruction == null) {
                    break;
                }
                if (instruction.getOpcode().equals("sync")) {
                    syncs++;
                    socket.getWriter().writeInstruction(new GuacamoleInstruction("sync", instruction.getArgs().get(0)));
                }
            }
            socket.getWriter().writeInstruction(new GuacamoleInstruction("disconnect"));
        } finally {
            socket.close();
        }
        return syncs;
    }
}
