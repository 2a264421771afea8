package org.openvdi.broker.apitoken;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.openvdi.broker.apitoken.ApiTokenQueries.ApiTokenView;
import org.openvdi.broker.apitoken.api.IssueApiTokenCommand;
import org.openvdi.broker.apitoken.api.RevokeApiTokenCommand;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.TokenAuthenticated;
import org.openvdi.broker.web.DisplayText;
import org.springframework.beans.factory.annotation.Value;
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
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * API tokens: a script signs in once with its user's password (or session) and then sends
 * {@code Authorization: Bearer <token>}, which costs one indexed lookup instead of a password hash per call.
 * Employees, admins and auditors may hold tokens; a token acts with its user's roles at the time of each request.
 */
@RestController
@RequestMapping("/api/tokens")
@Tag(name = "API tokens", description = "Bearer tokens for scripts, acting as the user who created them")
class ApiTokenController {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuditedCommands commands;
    private final ApiTokenQueries tokens;
    private final Duration defaultTtl;
    private final Duration maxTtl;

    ApiTokenController(AuditedCommands commands, ApiTokenQueries tokens,
                       @Value("${openvdi.security.api-tokens.default-ttl:1h}") Duration defaultTtl,
                       @Value("${openvdi.security.api-tokens.max-ttl:12h}") Duration maxTtl) {
        this.commands = commands;
        this.tokens = tokens;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    /** @param ttl how long the token works, ISO-8601 (for example {@code PT8H}); at least a minute, at most the maximum */
    record IssueRequest(@DisplayText(max = 80) String name, Duration ttl) {
    }

    /** The token, shown this once. */
    record IssuedToken(UUID id, String name, String token, Instant expiresAt) {
    }

    @Operation(summary = "Create an API token (shown once)")
    @PostMapping
    ResponseEntity<IssuedToken> issue(@Valid @RequestBody(required = false) IssueRequest request, Authentication who) {
        if (TokenAuthenticated.by(who)) {
            throw new BrokerException(ErrorCode.FORBIDDEN, "An API token cannot issue tokens: sign in with the password");
        }
        Duration ttl = request == null || request.ttl() == null ? defaultTtl : request.ttl();
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(maxTtl) > 0) {
            throw new BrokerException(ErrorCode.VALIDATION_FAILED,
                    "ttl must be between PT1M and " + maxTtl, "ttl");
        }
        String name = request == null || request.name() == null || request.name().isBlank() ? "API token" : request.name();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "ovdi_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        Instant expiresAt = Instant.now().plus(ttl).truncatedTo(ChronoUnit.MILLIS);
        commands.send(new IssueApiTokenCommand(id, who.getName(), name, ApiTokenQueries.sha256(token), expiresAt),
                who.getName());
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(new IssuedToken(id, name, token, expiresAt));
    }

    /** The caller's own tokens, newest first, without the tokens themselves. */
    @Operation(summary = "List your API tokens")
    @GetMapping
    List<ApiTokenView> mine(Authentication who) {
        return tokens.of(who.getName());
    }

    /** Revokes one of the caller's tokens (an admin may revoke anyone's); revoking it again answers the same. */
    @Operation(summary = "Revoke one of your API tokens")
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(@PathVariable UUID id, Authentication who) {
        boolean admin = who.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_ADMIN"));
        tokens.find(id).filter(t -> admin || t.user().equals(who.getName()))
                .orElseThrow(() -> new BrokerException(ErrorCode.NOT_FOUND, "No such token of yours"));
        commands.send(new RevokeApiTokenCommand(id), who.getName());
    }
}
