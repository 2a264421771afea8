package org.openvdi.gateway.tunnel;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.openvdi.gateway.web.OriginCheck;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Upgrades {@code GET /tunnel} to a WebSocket served by {@link TunnelEndpoint}, through the standard
 * {@link ServerContainer#upgradeHttpToWebSocket} so that each connection gets its own endpoint
 * configuration carrying the browser's address (the WebSocket API does not expose it otherwise).
 * The address is the servlet request's, so behind a reverse proxy it honours {@code X-Forwarded-For}
 * from trusted proxies ({@code server.forward-headers-strategy}). A handshake from a page of another origin
 * is refused with 403 before the endpoint runs, so its token is never redeemed ({@link OriginCheck}).
 */
@Controller
class TunnelUpgradeController {

    static final String PATH = "/tunnel";
    static final String SUBPROTOCOL = "guacamole";

    private final ServletContext servletContext;
    private final TunnelEndpoint endpoint;
    private final OriginCheck origins;

    TunnelUpgradeController(ServletContext servletContext, TunnelEndpoint endpoint, OriginCheck origins) {
        this.servletContext = servletContext;
        this.endpoint = endpoint;
        this.origins = origins;
    }

    @GetMapping(PATH)
    void upgrade(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!origins.allows(request)) {
            response.sendError(HttpStatus.FORBIDDEN.value());
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            response.sendError(HttpStatus.UPGRADE_REQUIRED.value(), "This is a WebSocket endpoint");
            return;
        }
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(TunnelEndpoint.class, PATH)
                .subprotocols(List.of(SUBPROTOCOL))
                .configurator(new SharedEndpoint(endpoint))
                .build();
        config.getUserProperties().put(TunnelEndpoint.CLIENT_ADDRESS, request.getRemoteAddr());
        try {
            container().upgradeHttpToWebSocket(request, response, config, Map.of());
        } catch (DeploymentException e) {
            throw new IllegalStateException("the WebSocket container refused the tunnel endpoint", e);
        }
    }

    private ServerContainer container() {
        Object container = servletContext.getAttribute(ServerContainer.class.getName());
        if (container instanceof ServerContainer serverContainer) {
            return serverContainer;
        }
        throw new IllegalStateException("no Jakarta WebSocket container in this servlet context");
    }

    /** Hands the one Spring-managed endpoint to the container instead of letting it create one. */
    private static final class SharedEndpoint extends ServerEndpointConfig.Configurator {

        private final TunnelEndpoint endpoint;

        SharedEndpoint(TunnelEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(endpoint);
        }
    }
}
