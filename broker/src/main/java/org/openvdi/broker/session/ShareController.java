package org.openvdi.broker.session;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.web.Names;
import org.openvdi.broker.web.Refuses;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shared sessions: the session's user makes one-time links to it, view-only or with control, lists and withdraws
 * them; admins list and withdraw them too, auditors list them. A signed-in employee (or admin) opens a link with
 * {@code POST /api/sessions/join} and gets the gateway URL that joins the running display.
 */
@RestController
@RequestMapping("/api/sessions")
@Tag(name = "Sessions", description = "Employees' use of desktops")
class ShareController {

    /** How long a share link stays good when the request does not say: 15 minutes. */
    static final int DEFAULT_EXPIRES_IN = 900;

    private final SessionQueries sessions;
    private final ShareProjection shares;
    private final SessionSharing sharing;
    private final UserDirectory users;

    ShareController(SessionQueries sessions, ShareProjection shares, SessionSharing sharing, UserDirectory users) {
        this.sessions = sessions;
        this.shares = shares;
        this.sharing = sharing;
        this.users = users;
    }

    /**
     * @param mode      VIEW (watch only) or CONTROL (keyboard and mouse too)
     * @param expiresIn seconds the share lasts, used or not, 60 to 86400 (default 900)
     * @param viewer    the one user who may open it; absent: any signed-in employee who has the link
     */
    record ShareRequest(@NotNull ShareMode mode, @Min(60) @Max(86400) Integer expiresIn,
                        @Pattern(regexp = Names.PRINCIPAL) String viewer) {
    }

    record JoinRequest(@NotNull @Pattern(regexp = "[A-Za-z0-9_-]{43}") String share) {
    }

    @Operation(summary = "Share your running session through a one-time link", description = """
            Answers 201 with the share and its link (shown this once; the broker keeps only its SHA-256). The first \
            signed-in user who opens it (or only the named viewer) joins the running display: VIEW only watches, \
            CONTROL may also type and use the mouse. The link works once and only while the session's user is \
            connected; the share ends after expiresIn seconds, when withdrawn, or with the session, and its viewer \
            is then cut off within seconds. \
            Only the session's own user shares it: anyone else's session answers 404 SESSION_NOT_FOUND.""")
    @Refuses({ErrorCode.SESSION_ENDED, ErrorCode.ILLEGAL_STATE})
    @PostMapping("/{id}/shares")
    ResponseEntity<ShareView> share(@PathVariable UUID id, @Valid @RequestBody ShareRequest request, Authentication who) {
        CurrentUser user = users.current(who);
        SessionView session = sessions.find(id).filter(s -> s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
        int seconds = request.expiresIn() == null ? DEFAULT_EXPIRES_IN : request.expiresIn();
        ShareView share = sharing.share(session, request.mode(), Duration.ofSeconds(seconds), request.viewer(),
                user.name());
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore()).body(share);
    }

    @Operation(summary = "List the shares of a session (its user, admins and auditors)")
    @GetMapping("/{id}/shares")
    List<ShareView> list(@PathVariable UUID id, Authentication who) {
        return shares.of(readable(id, users.current(who)).id());
    }

    @Operation(summary = "Withdraw a share (the session's user or an admin)", description = """
            An unused link stops working; a viewer who joined through it is cut off within seconds, on whichever \
            gateway, and cannot reconnect. Withdrawing again changes nothing.""")
    @Refuses(ErrorCode.SHARE_NOT_FOUND)
    @DeleteMapping("/{id}/shares/{shareId}")
    ShareView revoke(@PathVariable UUID id, @PathVariable UUID shareId, Authentication who) {
        CurrentUser user = users.current(who);
        SessionView session = sessions.find(id).filter(s -> user.isAdmin() || s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
        sharing.revoke(session.id(), shareId, user.name());
        return shares.find(session.id(), shareId).orElseThrow();
    }

    @Operation(summary = "Open a share link", description = """
            The signed-in caller opens the link's secret (the share parameter of the link): the first good attempt \
            uses it up and answers with a one-time gateway URL that joins the running display; the join is \
            recorded with who and from where. Refusals: SHARE_NOT_FOUND (404), SHARE_NOT_FOR_YOU (403, named for \
            someone else, or your own session), SHARE_ALREADY_USED (409), SHARE_OWNER_ABSENT (409: the session's \
            owner is not connected right now; the link is not used up, open it again once they are), SHARE_EXPIRED, \
            SHARE_REVOKED, SESSION_ENDED (410).""")
    @Refuses({ErrorCode.SHARE_NOT_FOR_YOU, ErrorCode.SHARE_ALREADY_USED, ErrorCode.SHARE_OWNER_ABSENT,
            ErrorCode.SHARE_EXPIRED, ErrorCode.SHARE_REVOKED, ErrorCode.SESSION_ENDED})
    @PostMapping("/join")
    ResponseEntity<SessionSharing.Joined> join(@Valid @RequestBody JoinRequest request, Authentication who,
                                               HttpServletRequest http) {
        CurrentUser user = users.current(who);
        return ResponseEntity.ok().cacheControl(CacheControl.noStore())
                .body(sharing.join(request.share(), user.name(), http.getRemoteAddr()));
    }

    private SessionView readable(UUID id, CurrentUser user) {
        return sessions.find(id).filter(s -> user.canReadEverything() || s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
    }
}
