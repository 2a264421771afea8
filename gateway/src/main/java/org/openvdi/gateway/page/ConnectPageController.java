package org.openvdi.gateway.page;

import java.net.URI;
import java.util.Map;

import org.openvdi.gateway.GatewaySettings;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page the broker links to, {@code /connect?token=..}, and the one setting it needs from the server.
 * The page is never cached and sends no referrer, so its one-time token does not leak into other requests
 * (the Referrer-Policy, Content-Security-Policy and frame headers of every answer come from the web package).
 */
@RestController
class ConnectPageController {

    private static final Resource PAGE = new ClassPathResource("static/connect.html");

    private final GatewaySettings settings;

    ConnectPageController(GatewaySettings settings) {
        this.settings = settings;
    }

    @GetMapping("/connect")
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .contentType(MediaType.TEXT_HTML)
                .body(PAGE);
    }

    /** The gateway has nothing to show on its own: its root leads to the broker's portal. */
    @GetMapping("/")
    ResponseEntity<Void> root() {
        return ResponseEntity.status(HttpStatus.FOUND).location(URI.create(settings.portalUrl().toString()))
                .cacheControl(CacheControl.noStore()).build();
    }

    /** Where the page sends the employee for a fresh link: the broker's portal. */
    @GetMapping("/connect/settings")
    ResponseEntity<Map<String, String>> settings() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(Map.of("portalUrl", settings.portalUrl().toString()));
    }
}
