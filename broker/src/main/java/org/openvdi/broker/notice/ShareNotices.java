package org.openvdi.broker.notice;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openvdi.broker.session.ShareQueries;
import org.openvdi.contract.SessionNotice;
import org.openvdi.contract.ViewerAccess;
import org.openvdi.contract.ViewerCut;
import org.openvdi.contract.Watcher;
import org.springframework.stereotype.Component;

/**
 * The shared sessions' notices for one gateway: the viewers to cut off (share withdrawn, run out, ended with the
 * session, or the owner not connected), each with id {@code share-cut/<share>/<cause>/<since>} so that a gateway cuts
 * each tunnel once, and naming the share, so that only the viewer's tunnels opened through that link close, and, for each session ever joined, who watches it through other gateways than the one asking (the
 * owner's gateway adds the viewers it carries itself). A share that ended stays a notice for {@link #CUT_FOR}, long
 * enough for every gateway to poll; a viewer cut off cannot reconnect meanwhile, the session refuses it.
 */
@Component
class ShareNotices {

    static final Duration CUT_FOR = Duration.ofMinutes(10);

    private final ShareQueries shares;

    ShareNotices(ShareQueries shares) {
        this.shares = shares;
    }

    List<SessionNotice> of(Set<UUID> carried, String gatewayId, Instant now) {
        if (carried.isEmpty()) {
            return List.of();
        }
        List<SessionNotice> notices = new ArrayList<>();
        for (ShareQueries.ViewerToCut cut : shares.viewersToCut(carried, now.minus(CUT_FOR))) {
            notices.add(SessionNotice.cutViewer(cut.sessionId(),
                    "share-cut/" + cut.shareId() + "/" + cut.cause() + "/" + cut.since().toEpochMilli(), cut.viewer(),
                    reason(cut.cause()), cut.shareId()));
        }
        for (Map.Entry<UUID, List<ShareQueries.Watcher>> session : shares.watchers(carried).entrySet()) {
            notices.add(SessionNotice.watchers(session.getKey(), session.getValue().stream()
                    .filter(w -> !w.gatewayId().equals(gatewayId))
                    .map(w -> new Watcher(w.viewer(), ViewerAccess.valueOf(w.mode().name()))).toList()));
        }
        return notices;
    }

    private static ViewerCut reason(ShareQueries.CutCause cause) {
        return switch (cause) {
            case REVOKED -> ViewerCut.SHARE_REVOKED;
            case EXPIRED -> ViewerCut.SHARE_EXPIRED;
            case SESSION_ENDED -> ViewerCut.SESSION_ENDED;
            case OWNER_ABSENT -> ViewerCut.SHARE_OWNER_ABSENT;
        };
    }
}
