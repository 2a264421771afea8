package org.openvdi.broker.session;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.ConnectionTokenIssuedEvent;
import org.openvdi.broker.session.api.RedemptionRefused;
import org.openvdi.broker.session.api.ResumeTokenIssuedEvent;
import org.openvdi.broker.session.api.SharedSessionJoinedEvent;

/**
 * The connect and resume tokens one session issued, known only by their hashes, and the rules for
 * redeeming one: known, issued to the session's user, not redeemed before, not expired. A viewer's token belongs to
 * the share link the viewer joined through: the connect token drawn when the link was opened, and each resume token
 * issued with the redemption of one of that share's tokens (a redemption and its resume token are applied together).
 */
final class IssuedTokens {

    /** {@code shareId}: the share link a viewer's token belongs to; null for the owner's tokens. */
    private record Issued(UUID tokenId, Instant expiresAt, String user, boolean resume, boolean redeemed,
                          UUID shareId) {
    }

    private final Map<String, Issued> byHash = new HashMap<>();
    /** The share of the token redeemed last, which the resume token issued with that redemption inherits. */
    private UUID shareOfLastRedeemed;

    void issued(ConnectionTokenIssuedEvent event) {
        byHash.put(event.tokenHash(), new Issued(event.tokenId(), event.expiresAt(), event.user(), false, false, null));
    }

    void issued(ResumeTokenIssuedEvent event) {
        byHash.put(event.tokenHash(), new Issued(event.tokenId(), event.expiresAt(), event.user(), true, false,
                shareOfLastRedeemed));
    }

    /** A viewer's connect token, recorded with the share link it used up. */
    void issued(SharedSessionJoinedEvent event) {
        byHash.put(event.tokenHash(), new Issued(event.tokenId(), event.expiresAt(), event.viewer(), false, false,
                event.shareId()));
    }

    void redeemed(UUID tokenId) {
        shareOfLastRedeemed = null;
        byHash.replaceAll((hash, token) -> {
            if (!token.tokenId().equals(tokenId)) {
                return token;
            }
            shareOfLastRedeemed = token.shareId();
            return new Issued(token.tokenId(), token.expiresAt(), token.user(), token.resume(), true, token.shareId());
        });
    }

    /** The share link a viewer's token belongs to; empty for the owner's tokens and for unknown ones. */
    Optional<UUID> shareOf(String tokenHash) {
        return Optional.ofNullable(byHash.get(tokenHash)).map(Issued::shareId);
    }

    boolean knows(String tokenHash) {
        return byHash.containsKey(tokenHash);
    }

    /** The user a token was issued to: the session's own, or a viewer. */
    Optional<String> userOf(String tokenHash) {
        return Optional.ofNullable(byHash.get(tokenHash)).map(Issued::user);
    }

    Optional<UUID> idOf(String tokenHash) {
        return Optional.ofNullable(byHash.get(tokenHash)).map(Issued::tokenId);
    }

    /**
     * Why the token cannot be redeemed at that time, if it cannot.
     *
     * @param resumableUntil until when the session keeps resume tokens good beyond their own expiry
     * @param mayConnect     whether the user a token was issued to may still connect: the session's user, or a viewer
     *                       whose share stands
     */
    Optional<RedemptionRefused> refusal(String tokenHash, Instant presentedAt, Predicate<String> mayConnect,
                                        Instant resumableUntil) {
        Issued token = byHash.get(tokenHash);
        if (token == null) {
            return refused(ErrorCode.TOKEN_UNKNOWN, "This session never issued that token");
        }
        if (token.redeemed()) {
            return refused(ErrorCode.TOKEN_ALREADY_USED, "The token was already used; ask the portal for a new one");
        }
        Instant expiresAt = token.resume() && resumableUntil.isAfter(token.expiresAt()) ? resumableUntil : token.expiresAt();
        if (presentedAt.isAfter(expiresAt)) {
            return refused(ErrorCode.TOKEN_EXPIRED, "The token expired at " + expiresAt);
        }
        if (!mayConnect.test(token.user())) {
            return refused(ErrorCode.TOKEN_WRONG_USER, "The token was issued to someone else");
        }
        return Optional.empty();
    }

    private static Optional<RedemptionRefused> refused(ErrorCode code, String message) {
        return Optional.of(new RedemptionRefused(code, message));
    }
}
