package org.openvdi.gateway.tunnel;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import org.openvdi.gateway.GatewaySettings;
import org.openvdi.gateway.telemetry.ConnectionTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Jakarta WebSocket endpoint of {@code /tunnel} (subprotocol {@code guacamole}), the counterpart of
 * guacamole-common's javax-based {@code GuacamoleWebSocketTunnelEndpoint}. One instance serves all
 * connections; each connection gets its own {@link TunnelSession} running on its own thread.
 */
@Component
class TunnelEndpoint extends Endpoint {

    /** Key of the browser's address in the per-connection endpoint configuration. */
    static final String CLIENT_ADDRESS = "org.openvdi.gateway.clientAddress";
    private static final String TUNNEL = TunnelSession.class.getName();
    private static final int MAX_MESSAGE_CHARS = 64 * 1024;
    private static final Logger log = LoggerFactory.getLogger(TunnelEndpoint.class);

    private final TunnelOpener opener;
    private final ConnectionTelemetry telemetry;
    private final TunnelRegistry registry;
    private final GatewaySettings settings;
    private final SharedDisplays shared;

    TunnelEndpoint(TunnelOpener opener, ConnectionTelemetry telemetry, TunnelRegistry registry,
                   GatewaySettings settings, SharedDisplays shared) {
        this.shared = shared;
        this.opener = opener;
        this.telemetry = telemetry;
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(MAX_MESSAGE_CHARS);
        TrafficCounter traffic = new TrafficCounter();
        BrowserChannel browser = new BrowserChannel(session, settings.browserSendTimeout(), traffic);
        TunnelRequest request = TunnelRequest.from(session.getRequestParameterMap(),
                (String) config.getUserProperties().get(CLIENT_ADDRESS));
        TunnelSession tunnel = new TunnelSession(request, browser, traffic, opener, telemetry,
                settings.gatewayId(), registry::remove, shared);
        session.getUserProperties().put(TUNNEL, tunnel);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) tunnel::onBrowserMessage);
        registry.run(tunnel);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        log.debug("WebSocket {} closed: {}", session.getId(), closeReason);
        if (session.getUserProperties().get(TUNNEL) instanceof TunnelSession tunnel) {
            tunnel.browserClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("WebSocket {} failed; it will be closed", session.getId(), error);
    }
}
