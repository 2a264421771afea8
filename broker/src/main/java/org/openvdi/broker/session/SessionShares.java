package org.openvdi.broker.session;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.session.api.RedemptionRefused;
import org.openvdi.broker.session.api.SessionSharedEvent;
import org.openvdi.broker.session.api.ShareMode;
import org.openvdi.broker.session.api.ShareState;
import org.openvdi.broker.session.api.SharedSessionJoinedEvent;

/**
 * The share links one session made, known only by their hashes, the viewers who joined through them, and the rules
 * for opening one: known, not withdrawn, not used before, not run out, and for the user it names (if it names one).
 */
final class SessionShares {

    record Share(UUID shareId, String tokenHash, ShareMode mode, Instant expiresAt, String viewer, ShareState state,
                 String joinedBy) {

        Share in(ShareState next, String by) {
            return new Share(shareId, tokenHash, mode, expiresAt, viewer, next, by);
        }
    }

    /** In the order the links were made, except that a link moves to the end when it is opened. */
    private final Map<UUID, Share> byId = new LinkedHashMap<>();

    void shared(SessionSharedEvent event) {
        byId.put(event.shareId(), new Share(event.shareId(), event.tokenHash(), event.mode(), event.expiresAt(),
                event.viewer(), ShareState.OPEN, null));
    }

    void joined(SharedSessionJoinedEvent event) {
        Share share = byId.remove(event.shareId());
        if (share != null) {
            byId.put(share.shareId(), share.in(ShareState.JOINED, event.viewer()));
        }
    }

    void revoked(UUID shareId) {
        byId.computeIfPresent(shareId, (id, share) -> share.in(ShareState.REVOKED, share.joinedBy()));
    }

    void expired(UUID shareId) {
        byId.computeIfPresent(shareId, (id, share) -> share.in(ShareState.EXPIRED, share.joinedBy()));
    }

    boolean knowsHash(String tokenHash) {
        return byId.values().stream().anyMatch(s -> s.tokenHash().equals(tokenHash));
    }

    Optional<Share> byHash(String tokenHash) {
        return byId.values().stream().filter(s -> s.tokenHash().equals(tokenHash)).findFirst();
    }

    Optional<Share> byId(UUID shareId) {
        return Optional.ofNullable(byId.get(shareId));
    }


    /** Shares that still stand, unused or joined, which end when the session does. */
    List<Share> standing() {
        return byId.values().stream().filter(s -> s.state() == ShareState.OPEN || s.state() == ShareState.JOINED)
                .toList();
    }

    /** The share through which {@code viewer} joined and which still stands, if any (the one opened last when several). */
    Optional<Share> joinedBy(String viewer) {
        return byId.values().stream().filter(s -> s.state() == ShareState.JOINED && viewer.equals(s.joinedBy()))
                .reduce((a, b) -> b);
    }

    /** The share {@code viewer} joined through last, if it ended (withdrawn or run out). */
    Optional<Share> lastEndedFor(String viewer) {
        return byId.values().stream().filter(s -> viewer.equals(s.joinedBy())).reduce((a, b) -> b)
                .filter(s -> s.state() == ShareState.REVOKED || s.state() == ShareState.EXPIRED);
    }

    /** Why {@code viewer} cannot open the link at that time, if they cannot; an expiry is for the caller to record. */
    Optional<RedemptionRefused> refusal(Share share, String viewer, String owner, Instant presentedAt) {
        return switch (share.state()) {
            case REVOKED -> refused(ErrorCode.SHARE_REVOKED, "The owner withdrew this share link");
            case JOINED -> refused(ErrorCode.SHARE_ALREADY_USED, "This share link was used already; ask for a new one");
            case EXPIRED -> refused(ErrorCode.SHARE_EXPIRED, "This share link ran out");
            case OPEN -> {
                if (viewer.equals(owner)) {
                    yield refused(ErrorCode.SHARE_NOT_FOR_YOU, "This is a link to your own session");
                }
                if (share.viewer() != null && !share.viewer().equals(viewer)) {
                    yield refused(ErrorCode.SHARE_NOT_FOR_YOU, "This share link is for someone else");
                }
                if (presentedAt.isAfter(share.expiresAt())) {
                    yield refused(ErrorCode.SHARE_EXPIRED, "This share link ran out at " + share.expiresAt());
                }
                yield Optional.empty();
            }
        };
    }

    private static Optional<RedemptionRefused> refused(ErrorCode code, String message) {
        return Optional.of(new RedemptionRefused(code, message));
    }
}
