package org.openvdi.broker.connect;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.contract.RedeemRequest;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's side of connecting (HTTP Basic as {@code gateway}): redeems a one-time token, a connect
 * token from the portal or a resume token from an earlier redemption, for the desktop's VNC endpoint and
 * password and the next resume token. Refusals are 4xx problems whose {@code code} says why:
 * TOKEN_UNKNOWN, TOKEN_EXPIRED, TOKEN_ALREADY_USED (401), TOKEN_WRONG_USER (403),
 * SESSION_ENDED, SESSION_ENDED_BY_ROLLOUT (a rollout's forced logoff ended it), DESKTOP_GONE (410); and for a
 * viewer who joined through a share link, SHARE_REVOKED, SHARE_EXPIRED (410) once the share ended, and
 * SHARE_OWNER_ABSENT (409) while the session's owner is not connected.
 */
@RestController
@RequestMapping("/internal/connections")
@Tag(name = "Gateway", description = "Internal calls of the gateway")
class RedeemController {

    private final ConnectionRedeemer redeemer;

    RedeemController(ConnectionRedeemer redeemer) {
        this.redeemer = redeemer;
    }

    @Operation(summary = "Redeem a connect or resume token (gateway only)", description = """
            Uses up a one-time token the browser brought to the gateway: the connect token of a connect URL \
            (valid up to 60 s) or the resume token of an earlier redemption, which the page presents to reconnect in \
            place after a network blip. Both are bound to one session and its user and work once. The answer \
            carries the VNC endpoint and password for guacd, which must never reach the browser, and the next \
            resume token, which the gateway hands to the page. A resume token is good while a tunnel of its \
            session is open and for the disconnect timeout after the last one closed. Accepting and refusing \
            are both recorded on the session.""")
    @ApiResponse(responseCode = "200", description = "Redeemed: where to connect, and the next resume token")
    @ApiResponse(responseCode = "401", description = "TOKEN_UNKNOWN, TOKEN_EXPIRED or TOKEN_ALREADY_USED",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "403", description = "TOKEN_WRONG_USER, or the caller is not the gateway",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "SHARE_OWNER_ABSENT: a viewer's token while the owner is not connected (the token stays unused)",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "410", description = "SESSION_ENDED, SESSION_ENDED_BY_ROLLOUT, or DESKTOP_GONE (the token stays unused); a viewer's SHARE_REVOKED or SHARE_EXPIRED",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping("/redeem")
    ResponseEntity<ConnectionGrant> redeem(@Valid @RequestBody RedeemRequest request, Authentication who) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(redeemer.redeem(request, who.getName()));
    }
}
