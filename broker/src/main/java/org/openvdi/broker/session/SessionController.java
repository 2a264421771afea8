package org.openvdi.broker.session;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.pool.PoolQueries;
import org.openvdi.broker.pool.PoolView;
import org.openvdi.broker.security.CurrentUser;
import org.openvdi.broker.security.UserDirectory;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndCause;
import org.openvdi.broker.session.api.RequestSessionCommand;
import org.openvdi.broker.session.api.SessionState;
import jakarta.servlet.http.HttpServletRequest;
import org.openvdi.broker.web.Refuses;
import org.openvdi.contract.DisplayTextValidator;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.http.HttpHeaders;
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

@RestController
@RequestMapping("/api/sessions")
@Tag(name = "Sessions", description = "Employees' use of desktops")
class SessionController {

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final PoolQueries pools;
    private final UserDirectory users;
    private final SessionAllocator allocator;
    private final ConnectionTokenIssuer tokens;
    private final ConnectProperties connect;

    SessionController(AuditedCommands commands, SessionQueries sessions, PoolQueries pools, UserDirectory users,
                      SessionAllocator allocator, ConnectionTokenIssuer tokens, ConnectProperties connect) {
        this.connect = connect;
        this.commands = commands;
        this.sessions = sessions;
        this.pools = pools;
        this.users = users;
        this.allocator = allocator;
        this.tokens = tokens;
    }

    record RequestSessionRequest(@NotNull UUID poolId) {
    }

    /**
     * Asks for a desktop of an entitled pool; answers at once with the session, which becomes READY when it
     * has one. A session that has its desktop already comes with a {@code connectUrl} (a fresh one-time token).
     * A user has at most one open session per pool: asking again, even many times at once, answers with that one.
     * A pool the caller is not entitled to answers 404 POOL_NOT_FOUND, as reading it does.
     */
    @Operation(summary = "Request a desktop of an entitled pool")
    @Refuses(ErrorCode.RATE_LIMITED)
    @PostMapping
    ResponseEntity<SessionView> request(@Valid @RequestBody RequestSessionRequest request, Authentication who) {
        CurrentUser user = users.current(who);
        PoolView pool = pools.withoutCounts(request.poolId()).filter(p -> p.entitles(user))
                .orElseThrow(() -> new BrokerException(ErrorCode.POOL_NOT_FOUND, "No pool " + request.poolId()));
        refuseUnlessActive(pool);
        ConnectionTokenIssuer.DrawnToken first = tokens.draw();
        Opened opened = openSession(pool, user, first);
        SessionView session = sessions.find(opened.id()).orElseThrow().keptFor(connect.disconnectTimeout());
        if (opened.tokenRecorded()) {
            session = session.withConnectUrl(tokens.offer(first, session.id(), user.name()).connectUrl());
        } else if (takesTokens(session.state())) {
            session = session.withConnectUrl(tokens.issue(session.id(), user.name()).connectUrl());
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(session);
    }

    /** The user's open session, and whether the token drawn for this request was recorded with its desktop. */
    private record Opened(UUID id, boolean tokenRecorded) {
    }

    /** A pool being deleted takes no new sessions: 409 POOL_DRAINING, or 410 POOL_DELETED once it is gone. */
    private static void refuseUnlessActive(PoolView pool) {
        switch (pool.state()) {
            case DRAINING -> throw new BrokerException(ErrorCode.POOL_DRAINING, "Pool \"" + pool.name()
                    + "\" is being deleted and takes no new sessions");
            case DELETED -> throw new BrokerException(ErrorCode.POOL_DELETED, "Pool \"" + pool.name() + "\" is deleted");
            case ACTIVE -> { }
        }
    }

    /**
     * A one-time connection URL for the caller's own session (anyone else's answers 404, admins included):
     * 409 ILLEGAL_STATE while it waits for a desktop, 410 SESSION_ENDED once it is over.
     */
    @Operation(summary = "Issue a one-time connect URL for your own session", description = """
            The URL opens the gateway's page with a connect token (256 random bits, valid up to 60 s, bound to this \
            session and you, stored only as its SHA-256). The gateway redeems it once and streams the desktop; \
            the VNC endpoint and password never reach the browser. With each redemption the page gets a one-time \
            resume token, so after a network blip or a gateway restart it reconnects in place by itself; a resume \
            token works once, and each use issues the next. Anyone else's session answers 404 SESSION_NOT_FOUND \
            (admins included), one without a desktop yet 409 ILLEGAL_STATE, an ended one 410 SESSION_ENDED.""")
    @Refuses(ErrorCode.RATE_LIMITED)
    @PostMapping("/{id}/connect")
    ConnectionOffer connect(@PathVariable UUID id, Authentication who) {
        CurrentUser user = users.current(who);
        SessionView session = sessions.find(id).filter(s -> s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
        return tokens.issue(session.id(), user.name());
    }

    /**
     * The user's open session in the pool: the one there is, or a new one. Two requests that race both miss the
     * first look; the session claim lets only one of them record its session, and the other answers with it.
     */
    private Opened openSession(PoolView pool, CurrentUser user, ConnectionTokenIssuer.DrawnToken first) {
        for (int attempt = 1; ; attempt++) {
            Optional<UUID> open = sessions.openFor(pool.id(), user.name()).map(SessionView::id);
            if (open.isPresent()) {
                return new Opened(open.get(), false);
            }
            UUID id = UUID.randomUUID();
            Instant requestedAt = Instant.now();
            try {
                commands.send(new RequestSessionCommand(id, pool.id(), user.name()), user.name());
            } catch (RuntimeException e) {
                SessionAlreadyOpenException taken = alreadyOpen(e).orElseThrow(() -> e);
                if (taken.openSession() != null || attempt == 3) {
                    return new Opened(Optional.ofNullable(taken.openSession()).orElseThrow(() -> e), false);
                }
                continue; // it ended in the meantime: ask again
            }
            return new Opened(id, allocator.allocateNew(id, user.name(), requestedAt, pool, first.grant()));
        }
    }

    private static Optional<SessionAlreadyOpenException> alreadyOpen(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SessionAlreadyOpenException taken) {
                return Optional.of(taken);
            }
        }
        return Optional.empty();
    }

    private static boolean takesTokens(SessionState state) {
        return state == SessionState.READY || state == SessionState.CONNECTED || state == SessionState.DISCONNECTED;
    }

    /**
     * The caller's sessions, or with {@code all=true} (admins and auditors) everyone's, newest first, a page of
     * {@code limit} (default 500, at most 1000) at a time: when more follow, a {@code Link: <...>; rel="next"} header
     * names the next page (with the same filters). Filters: {@code state}, {@code poolId}, and with {@code all=true}
     * {@code user}. Any other parameter is refused with 400 (searches: {@code /api/audit/sessions}); nothing is cut or
     * ignored silently.
     */
    @Operation(summary = "List sessions (your own, or all for admins and auditors)")
    @GetMapping
    ResponseEntity<List<SessionView>> list(HttpServletRequest request, Authentication who) {
        CurrentUser user = users.current(who);
        SessionListParameters p = SessionListParameters.of(request.getParameterMap());
        if (p.all() && !user.canReadEverything()) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "Only admins and auditors list everyone's sessions");
        }
        List<SessionView> rows = sessions.page(p.all() ? p.user() : user.name(), p.state(), p.poolId(), p.beforeAt(),
                        p.beforeId(), p.limit() + 1)
                .stream().map(s -> s.keptFor(connect.disconnectTimeout())).toList();
        if (rows.size() <= p.limit()) {
            return ResponseEntity.ok(rows);
        }
        List<SessionView> page = List.copyOf(rows.subList(0, p.limit()));
        SessionView last = page.get(page.size() - 1);
        String next = "/api/sessions?" + p.next(last.requestedAt(), last.id());
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"").body(page);
    }

    @Operation(summary = "Get a session")
    @GetMapping("/{id}")
    SessionView get(@PathVariable UUID id, Authentication who) {
        CurrentUser user = users.current(who);
        return sessions.find(id).filter(s -> user.canReadEverything() || s.user().equals(user.name()))
                .map(s -> s.keptFor(connect.disconnectTimeout()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
    }

    @Operation(summary = "End a session", description = """
            Its user ends their own session (logoff); an admin ends anyone's. The session is ENDED at once: its desktop \
            tabs close with "Your desktop session has ended", a floating desktop is recycled, a persistent one stays \
            with its user. reason (optional, at most 200 characters without control or bidi characters) is recorded \
            in the SessionEndedEvent with who ended it; without one it reads "logoff" or "ended by admin". To warn the \
            user first, send a message (POST /api/sessions/{id}/messages) and end the session after a while. Ending a \
            session that is over already answers 200 and changes nothing.""")
    @DeleteMapping("/{id}")
    SessionView end(@PathVariable UUID id, @RequestParam(required = false) String reason, Authentication who) {
        CurrentUser user = users.current(who);
        if (reason != null && (reason.isBlank() || !DisplayTextValidator.isDisplayText(reason, MAX_REASON))) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED, "reason must be at most " + MAX_REASON
                    + " characters without control, format or invisible characters", "reason");
        }
        SessionView session = sessions.find(id).filter(s -> user.isAdmin() || s.user().equals(user.name()))
                .orElseThrow(() -> new BrokerException(ErrorCode.SESSION_NOT_FOUND, "No session " + id));
        boolean own = user.name().equals(session.user());
        commands.send(new EndSessionCommand(session.id(), reason != null ? reason : own ? "logoff" : "ended by admin",
                user.name(), SessionEndCause.LOGOFF), user.name());
        return sessions.find(id).orElseThrow();
    }

    /** The most characters of an end's reason. */
    static final int MAX_REASON = 200;
}
