package org.openvdi.broker.notice;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.List;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateways' notice poll (HTTP Basic as {@code gateway}): every few seconds each gateway names the tunnels it
 * carries, and gets the notices pending for their sessions, which it hands to their pages through the tunnels.
 */
@RestController
@RequestMapping("/internal/notices")
@Tag(name = "Gateway", description = "Internal calls of the gateway")
class GatewayNoticeController {

    private final SessionNotices notices;

    GatewayNoticeController(SessionNotices notices) {
        this.notices = notices;
    }

    @Operation(summary = "Notices for the sessions a gateway carries (gateway only)", description = """
            The gateway names each open tunnel by its session and the connection id of the grant that opened it. \
            For every tunnel whose connection id the broker handed to this gateway for that session, the answer \
            holds the notices pending for the session: the admin's text of a rollout with a forced logoff ahead, \
            with the seconds left. Other tunnels get nothing. At most 1000 tunnels per call.""")
    @ApiResponse(responseCode = "200", description = "The notices, oldest first; empty when there are none")
    @ApiResponse(responseCode = "400", description = "VALIDATION_FAILED",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "403", description = "The caller is not the gateway",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping
    ResponseEntity<List<SessionNotice>> notices(@Valid @RequestBody NoticePoll poll) {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(notices.of(poll));
    }
}
