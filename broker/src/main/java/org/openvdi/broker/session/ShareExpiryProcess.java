package org.openvdi.broker.session;

import java.time.Instant;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.api.ExpireShareCommand;
import org.openvdi.broker.store.ClusterLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends shares whose time is up: an unused link runs out, and a viewer who joined through it is cut off (the gateways
 * learn it on their next notice poll). One broker of several checks at a time; the session ignores a share that ended
 * meanwhile, so a repeated command is harmless.
 */
@Component
class ShareExpiryProcess {

    private static final Logger log = LoggerFactory.getLogger(ShareExpiryProcess.class);

    private final AuditedCommands commands;
    private final ShareProjection shares;
    private final ClusterLock lock;

    ShareExpiryProcess(AuditedCommands commands, ShareProjection shares, ClusterLock lock) {
        this.commands = commands;
        this.shares = shares;
        this.lock = lock;
    }

    @Scheduled(fixedDelayString = "${openvdi.connect.share-expiry-check-interval:2s}")
    void expireShares() {
        lock.runExclusively("share-expiry", () -> expireAt(Instant.now()));
    }

    /** Sends the expiry of every share that still stands and whose time is up at {@code now}. */
    void expireAt(Instant now) {
        for (ShareProjection.Due due : shares.dueAt(now)) {
            try {
                if (Boolean.TRUE.equals(commands.system(new ExpireShareCommand(due.sessionId(), due.shareId(), now)))) {
                    log.info("Share {} of session {} ran out", due.shareId(), due.sessionId());
                }
            } catch (RuntimeException e) {
                log.error("Ending share {} of session {} failed; retrying on the next check", due.shareId(),
                        due.sessionId(), e);
            }
        }
    }
}
