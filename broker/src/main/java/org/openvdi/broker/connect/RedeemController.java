package org.openvdi.broker.connect;

import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's side of connecting (HTTP Basic as {@code gateway}): redeems a one-time token for
 * the desktop's VNC endpoint and password. Refusals are 4xx problems whose {@code code} says why:
 * TOKEN_UNKNOWN, TOKEN_EXPIRED, TOKEN_ALREADY_USED (401), TOKEN_WRONG_USER (403),
 * SESSION_ENDED, DESKTOP_GONE (410).
 */
@RestController
@RequestMapping("/internal/connections")
@Tag(name = "Gateway", description = "Internal calls of the gateway")
class RedeemController {

    private final ConnectionRedeemer redeemer;

    RedeemController(ConnectionRedeemer redeemer) {
        this.redeemer = redeemer;
    }

    @PostMapping("/redeem")
    ResponseEntity<ConnectionGrant> redeem(@Valid @RequestBody RedeemRequest request, Authentication who) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(redeemer.redeem(request, who.getName()));
    }
}
