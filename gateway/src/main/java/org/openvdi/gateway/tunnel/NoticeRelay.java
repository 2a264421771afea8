package org.openvdi.gateway.tunnel;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.openvdi.gateway.redeem.BrokerNoticeClient;
import org.openvdi.gateway.redeem.BrokerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Hands the broker's notices (a forced logoff ahead, with the admin's text) to the pages of the sessions this
 * gateway carries. Every {@link NoticeSettings#interval()} one daemon thread asks the broker, in one call per
 * {@link NoticePoll#MAX_TUNNELS} tunnels, for the notices of its open tunnels, named by session and by the secret
 * connection id of their grant, and gives each tunnel of the session each notice once. The broker holds the
 * notices as state, not messages: a gateway that starts, or a page that reconnects through another gateway, gets
 * the current notice on its next poll, and several gateways need no coordination. A broker that does not answer
 * costs one poll; the next one asks again. Two kinds of notice concern shared sessions: one that names a viewer to
 * cut off (only that viewer's tunnels of the session end, saying why), and one that says who watches the session
 * through other gateways, which {@link SharedDisplays} tells the owner's tunnels here.
 */
@Component
class NoticeRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NoticeRelay.class);

    private final TunnelRegistry tunnels;
    private final BrokerNoticeClient broker;
    private final NoticeSettings settings;
    private final SharedDisplays shared;
    private volatile ScheduledExecutorService timer;

    NoticeRelay(TunnelRegistry tunnels, BrokerNoticeClient broker, NoticeSettings settings, SharedDisplays shared) {
        this.shared = shared;
        this.tunnels = tunnels;
        this.broker = broker;
        this.settings = settings;
    }

    /** One round: asks for the notices of every open tunnel and hands them over. */
    void relay() {
        List<TunnelSession> open = tunnels.snapshot().stream().filter(t -> t.noticeSubject().isPresent()).toList();
        Map<UUID, List<TunnelSession>> bySession = open.stream()
                .collect(Collectors.groupingBy(t -> t.noticeSubject().orElseThrow().sessionId()));
        List<NoticePoll.Tunnel> asked = open.stream().map(t -> t.noticeSubject().orElseThrow()).distinct().toList();
        for (int from = 0; from < asked.size(); from += NoticePoll.MAX_TUNNELS) {
            List<SessionNotice> notices;
            try {
                notices = broker.notices(asked.subList(from, Math.min(asked.size(), from + NoticePoll.MAX_TUNNELS)));
            } catch (BrokerUnavailableException e) {
                log.info("No notices this round: {}", e.getMessage());
                return;
            }
            for (SessionNotice notice : notices) {
                List<TunnelSession> ofSession = bySession.getOrDefault(notice.sessionId(), List.of());
                if (notice.tellsWatchers()) {
                    shared.watchingElsewhere(notice.sessionId(), notice.watching());
                } else if (notice.cutsViewer()) {
                    ofSession.forEach(tunnel -> tunnel.cut(notice));
                } else {
                    ofSession.forEach(tunnel -> tunnel.deliver(notice));
                }
            }
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "notice-relay");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.interval().toMillis();
        started.scheduleWithFixedDelay(this::relaySafely, every, every, TimeUnit.MILLISECONDS);
        timer = started;
    }

    private void relaySafely() {
        try {
            relay();
        } catch (RuntimeException e) {
            log.error("Relaying notices failed; trying again in {}", settings.interval(), e);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = timer;
        timer = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
