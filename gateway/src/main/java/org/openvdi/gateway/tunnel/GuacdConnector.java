package org.openvdi.gateway.tunnel;

import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.net.SimpleGuacamoleTunnel;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.contract.ViewerAccess;
import org.openvdi.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Opens a guacd connection to a granted display and completes the Guacamole handshake. */
@Component
class GuacdConnector {

    private static final Logger log = LoggerFactory.getLogger(GuacdConnector.class);
    private static final List<String> IMAGE_TYPES = List.of("image/jpeg", "image/png", "image/webp");

    private final String guacdHost;
    private final int guacdPort;
    private final String recordingPath;

    GuacdConnector(GatewaySettings settings) {
        this.guacdHost = settings.guacdHost();
        this.guacdPort = settings.guacdPort();
        this.recordingPath = settings.recordingPath();
    }

    /**
     * Connects guacd to the display of {@code grant}, sized as the browser asked.
     *
     * @throws TunnelFailureException {@link TunnelFailure#GUACD_UNAVAILABLE} when guacd cannot be reached
     *                                or refuses the handshake
     */
    GuacamoleTunnel connect(ConnectionGrant grant, TunnelRequest request) throws TunnelFailureException {
        GuacamoleSocket socket = null;
        try {
            socket = new InetGuacamoleSocket(guacdHost, guacdPort);
            ConfiguredGuacamoleSocket configured = new ConfiguredGuacamoleSocket(socket, configuration(grant, recordingPath),
                    clientInformation(request));
            log.debug("guacd connection {} ({}) opened for session {}", configured.getConnectionID(),
                    configured.getProtocolVersion(), grant.sessionId());
            return new SimpleGuacamoleTunnel(configured);
        } catch (GuacamoleException e) {
            TunnelFailureException failure = new TunnelFailureException(TunnelFailure.GUACD_UNAVAILABLE,
                    "guacd at " + guacdHost + ":" + guacdPort + " failed: " + e.getMessage(), e);
            closeAfterFailure(socket, failure);
            throw failure;
        }
    }

    /**
     * Joins a viewer to the owner's open guacd connection ({@code select} with its id): guacd's {@code read-only}
     * when the viewer may only watch. No second connection to the display is opened.
     *
     * @throws TunnelFailureException {@link TunnelFailure#GUACD_UNAVAILABLE} when guacd cannot be reached, or
     *                                {@link TunnelFailure#SHARE_OWNER_ABSENT} when the connection ended meanwhile
     */
    GuacamoleTunnel join(String guacdConnectionId, ConnectionGrant grant, TunnelRequest request)
            throws TunnelFailureException {
        GuacamoleSocket socket = null;
        try {
            socket = new InetGuacamoleSocket(guacdHost, guacdPort);
            GuacamoleConfiguration configuration = new GuacamoleConfiguration();
            configuration.setConnectionID(guacdConnectionId);
            configuration.setParameter("read-only", grant.viewerAccess() == ViewerAccess.VIEW ? "true" : "false");
            ConfiguredGuacamoleSocket configured = new ConfiguredGuacamoleSocket(socket, configuration,
                    clientInformation(request));
            log.debug("Viewer {} joined guacd connection {} of session {} ({})", grant.userName(),
                    configured.getConnectionID(), grant.sessionId(), grant.viewerAccess());
            return new SimpleGuacamoleTunnel(configured);
        } catch (GuacamoleResourceNotFoundException e) {
            TunnelFailureException failure = new TunnelFailureException(TunnelFailure.SHARE_OWNER_ABSENT,
                    "guacd connection of session " + grant.sessionId() + " is gone: " + e.getMessage(), e);
            closeAfterFailure(socket, failure);
            throw failure;
        } catch (GuacamoleException e) {
            TunnelFailureException failure = new TunnelFailureException(TunnelFailure.GUACD_UNAVAILABLE,
                    "guacd at " + guacdHost + ":" + guacdPort + " failed: " + e.getMessage(), e);
            closeAfterFailure(socket, failure);
            throw failure;
        }
    }

    /** The id guacd gave the connection of {@code tunnel}, which viewers select to join it. */
    static String connectionIdOf(GuacamoleTunnel tunnel) {
        return tunnel.getSocket() instanceof ConfiguredGuacamoleSocket configured ? configured.getConnectionID() : null;
    }

    /**
     * guacd's parameters for the grant. A recorded connection gets guacd's session recording: the broker's file name
     * in the configured recording path, which guacd creates when it is missing; the grant's name is a plain file name
     * (checked by {@link ConnectionGrant}), so it cannot point outside that path.
     */
    static GuacamoleConfiguration configuration(ConnectionGrant grant, String recordingPath) {
        GuacamoleConfiguration configuration = new GuacamoleConfiguration();
        configuration.setProtocol(grant.protocol());
        configuration.setParameter("hostname", grant.hostname());
        configuration.setParameter("port", Integer.toString(grant.port()));
        if (grant.password() != null) {
            configuration.setParameter("password", grant.password());
        }
        if (grant.viewerAccess() == ViewerAccess.VIEW) {
            // a viewer's own connection to the display (the owner's is on another gateway): guacd sends no input
            configuration.setParameter("read-only", "true");
        }
        if (grant.recorded() && !grant.joinsShared()) {
            configuration.setParameter("recording-path", recordingPath);
            configuration.setParameter("recording-name", grant.recordingName());
            configuration.setParameter("create-recording-path", "true");
        }
        return configuration;
    }

    private static GuacamoleClientInformation clientInformation(TunnelRequest request) {
        GuacamoleClientInformation information = new GuacamoleClientInformation();
        information.setOptimalScreenWidth(request.width());
        information.setOptimalScreenHeight(request.height());
        information.setOptimalResolution(request.dpi());
        information.getImageMimetypes().addAll(IMAGE_TYPES);
        return information;
    }

    private static void closeAfterFailure(GuacamoleSocket socket, TunnelFailureException failure) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (GuacamoleException e) {
            failure.addSuppressed(e);
        }
    }
}
