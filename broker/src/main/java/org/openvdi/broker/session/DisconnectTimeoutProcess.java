package org.openvdi.broker.session;

import java.time.Instant;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.session.api.EndSessionCommand;
import org.openvdi.broker.session.api.SessionEndCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.openvdi.broker.store.ClusterLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Ends sessions that stayed disconnected longer than {@code openvdi.connect.disconnect-timeout}.
 * Until then the user gets the same desktop back, by the page's resume token or a new connect
 * token from the portal; afterwards the desktop
 * recycler frees (floating) or keeps (persistent) the desktop as for any ended session.
 */
@Component
class DisconnectTimeoutProcess {

    static final String REASON = "disconnect timeout";
    private static final Logger log = LoggerFactory.getLogger(DisconnectTimeoutProcess.class);

    private final AuditedCommands commands;
    private final SessionQueries sessions;
    private final ConnectProperties properties;
    private final ClusterLock lock;

    DisconnectTimeoutProcess(AuditedCommands commands, SessionQueries sessions, ConnectProperties properties,
                             ClusterLock lock) {
        this.lock = lock;
        this.commands = commands;
        this.sessions = sessions;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${openvdi.connect.disconnect-check-interval:5s}")
    void endAbandonedSessions() {
        lock.runExclusively("disconnect-timeout", this::endAbandoned);
    }

    private void endAbandoned() {
        Instant cutoff = Instant.now().minus(properties.disconnectTimeout());
        for (SessionView session : sessions.disconnectedBefore(cutoff)) {
            try {
                commands.system(new EndSessionCommand(session.id(), REASON, AuditedCommands.SYSTEM,
                        SessionEndCause.DISCONNECT_TIMEOUT));
                log.info("Session {} of {} ended: disconnected since {}", session.id(), session.user(),
                        session.disconnectedAt());
            } catch (RuntimeException e) {
                log.error("Ending session {} after its disconnect timeout failed; retrying on the next check",
                        session.id(), e);
            }
        }
    }
}
