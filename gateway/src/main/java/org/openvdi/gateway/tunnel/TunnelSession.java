package org.openvdi.gateway.tunnel;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.FilteredGuacamoleWriter;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.openvdi.contract.ConnectionEvent;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.contract.ConnectionSubject;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.openvdi.contract.ViewerAccess;
import org.openvdi.gateway.telemetry.ConnectionTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser's tunnel, from token to close. {@link #run()} runs on the tunnel's own thread: it redeems the
 * token, connects guacd, reports OPENED, sends the tunnel UUID with the next resume token and then copies
 * guacd's instructions to the browser until either side ends. The resume token goes to the browser exactly
 * once: after the UUID, or, when the tunnel fails after the redemption, just before the error. Browser
 * messages arrive on the container's threads through {@link #onBrowserMessage(String)}. Whoever ends the
 * tunnel first sets the reason; the guacd socket is closed at once, which also ends the reading thread, and
 * CLOSED is reported when that thread is done.
 */
final class TunnelSession implements Runnable {

    /** Close reasons of a tunnel that ended without a failure; failures use their {@link TunnelFailure} name. */
    static final String BROWSER_CLOSED = "BROWSER_CLOSED";
    static final String DISPLAY_CLOSED = "DISPLAY_CLOSED";
    /**
     * Opcode of the gateway's own instruction {@code openvdi-resume,<token>,<sessionId>}, which hands the page the
     * one-time token that reconnects it in place, and the id of its session, with which a reloaded page asks the
     * signed-in portal for a fresh connect URL; stock Guacamole clients ignore it.
     */
    static final String RESUME_OPCODE = "openvdi-resume";
    /**
     * Opcode of the gateway's own instruction {@code openvdi-notice,<id>,<secondsLeft>,<text>}, which hands the page
     * a notice of the broker (a forced logoff ahead, with the admin's text); stock Guacamole clients ignore it.
     */
    static final String NOTICE_OPCODE = "openvdi-notice";
    private static final Logger log = LoggerFactory.getLogger(TunnelSession.class);
    private static final ViewOnlyFilter VIEW_ONLY = new ViewOnlyFilter();

    private final TunnelRequest request;
    private final BrowserChannel browser;
    private final TrafficCounter traffic;
    private final TunnelOpener opener;
    private final ConnectionTelemetry telemetry;
    private final String gatewayId;
    private final Consumer<TunnelSession> whenEnded;
    private final PingReplyFilter pingReplies;
    private final SharedDisplays shared;
    /** Set once a viewer who may only watch is connected: the viewer's input never reaches guacd. */
    private volatile boolean viewOnly;
    private volatile java.util.UUID sessionId;
    /** The viewer's user name when this tunnel is a viewer's (it joined through a share link); null for the owner's. */
    private volatile String viewerName;
    /** The share link a viewer's tunnel was opened through, when the broker named it; null for the owner's. */
    private volatile java.util.UUID shareId;
    private final AtomicReference<String> endReason = new AtomicReference<>();
    private final AtomicReference<GuacamoleTunnel> guacd = new AtomicReference<>();
    private final AtomicReference<String> unsentResume = new AtomicReference<>();
    private final Set<String> noticesGiven = ConcurrentHashMap.newKeySet();
    /** The session and grant this tunnel shows, once the page has its tunnel UUID; null before. */
    private volatile NoticePoll.Tunnel noticeSubject;
    /** Who and what this tunnel's telemetry is about, once the display is connected; null before. */
    private volatile ConnectionSubject subject;
    /** When the browser last sent keyboard or mouse input; null before any. */
    private volatile Instant lastInputAt;
    /** When this tunnel object was made (its WebSocket accepted). */
    private final Instant createdAt = Instant.now();
    /** The last input already reported in telemetry; only the activity reporter's thread writes it. */
    private Instant reportedInputAt;
    private volatile Thread runner;

    TunnelSession(TunnelRequest request, BrowserChannel browser, TrafficCounter traffic, TunnelOpener opener,
                  ConnectionTelemetry telemetry, String gatewayId, Consumer<TunnelSession> whenEnded,
                  SharedDisplays shared) {
        this.shared = shared;
        this.request = request;
        this.browser = browser;
        this.traffic = traffic;
        this.opener = opener;
        this.telemetry = telemetry;
        this.gatewayId = gatewayId;
        this.whenEnded = whenEnded;
        this.pingReplies = new PingReplyFilter(browser::reply);
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        ConnectionSubject subject = null;
        Instant openedAt = null;
        try {
            ConnectionGrant grant = opener.redeem(request);
            unsentResume.set(new GuacamoleInstruction(RESUME_OPCODE, grant.resumeToken(), grant.sessionId().toString())
                    .toString());
            if (ended()) {
                return;
            }
            sessionId = grant.sessionId();
            viewOnly = grant.viewerAccess() == ViewerAccess.VIEW;
            viewerName = grant.joinsShared() ? grant.userName() : null;
            shareId = grant.joinsShared() ? grant.shareId() : null;
            String joined = grant.joinsShared() ? shared.connectionOf(grant.sessionId()).orElse(null) : null;
            GuacamoleTunnel tunnel = joined != null ? opener.join(joined, grant, request) : opener.connect(grant, request);
            if (!attach(tunnel)) {
                return;
            }
            String extra = "";
            if (grant.joinsShared()) {
                extra = new GuacamoleInstruction(SharedDisplays.SHARED_OPCODE, grant.userName(),
                        grant.viewerAccess().name()).toString();
                shared.viewerJoined(grant.sessionId(), this, grant.userName(), grant.viewerAccess(), joined);
            } else {
                shared.ownerOpened(grant.sessionId(), this, GuacdConnector.connectionIdOf(tunnel));
                extra = shared.viewersInstruction(grant.sessionId());
            }
            subject = new ConnectionSubject(grant.sessionId(), grant.desktopId(), grant.userName(), gatewayId,
                    request.clientAddress(), grant.connectionId());
            this.subject = subject;
            openedAt = Instant.now();
            telemetry.publish(ConnectionEvent.opened(subject, openedAt));
            log.info("Tunnel {} opened for {} on {}", tunnel.getUUID(), subject, request);
            browser.send(new GuacamoleInstruction(GuacamoleTunnel.INTERNAL_DATA_OPCODE,
                    tunnel.getUUID().toString()) + Objects.toString(unsentResume.getAndSet(null), "") + extra);
            noticeSubject = new NoticePoll.Tunnel(grant.sessionId(), grant.connectionId());
            new DisplayPump(browser, this::ended, request).copy(tunnel);
            end(DISPLAY_CLOSED, null);
        } catch (TunnelFailureException e) {
            if (e.failure().serverFault()) {
                log.error("Tunnel for {} failed", request, e);
            } else {
                log.info("Tunnel for {} ended: {}", request, e.getMessage());
            }
            end(e.failure());
        } catch (IOException e) {
            log.debug("The browser of {} went away", request, e);
            end(BROWSER_CLOSED, null);
        } catch (RuntimeException e) {
            log.error("Tunnel for {} failed unexpectedly", request, e);
            end(TunnelFailure.GATEWAY_ERROR);
        } finally {
            if (sessionId != null) {
                shared.closed(sessionId, this);
            }
            if (subject != null) {
                telemetry.publish(ConnectionEvent.closed(subject, openedAt, Instant.now(), endReason.get(),
                        traffic.bytesToClient(), traffic.bytesFromClient(), lastInputAt));
                log.info("Tunnel of session {} closed: {}", subject.sessionId(), endReason.get());
            }
            whenEnded.accept(this);
        }
    }

    /** Writes the browser's instructions to guacd, answering pings itself. */
    void onBrowserMessage(String message) {
        traffic.receivedFromClient(message);
        if (!viewOnly && UserInput.in(message)) {
            lastInputAt = Instant.now();
        }
        GuacamoleTunnel tunnel = guacd.get();
        if (tunnel == null || ended()) {
            return;
        }
        GuacamoleWriter writer = new FilteredGuacamoleWriter(tunnel.acquireWriter(), pingReplies);
        if (viewOnly) {
            writer = new FilteredGuacamoleWriter(writer, VIEW_ONLY);
        }
        try {
            writer.write(message.toCharArray());
        } catch (GuacamoleException e) {
            if (ended()) {
                log.debug("Dropped a browser message of a closing tunnel", e);
            } else {
                log.info("Writing to guacd failed for {}", request, e);
                end(TunnelFailure.DISPLAY_LOST);
            }
        } finally {
            tunnel.releaseWriter();
        }
    }

    /**
     * Cuts this tunnel off when it is the tunnel of the viewer the notice names, opened through the share it names
     * (that share ended, or the owner is away); the session's own tunnels, other viewers' and the same viewer's
     * through another share stay. Called on the notice relay's thread.
     */
    void cut(SessionNotice notice) {
        String viewer = viewerName;
        java.util.UUID share = shareId;
        if (ended() || viewer == null || !viewer.equals(notice.viewer()) || noticeSubject == null
                || share != null && notice.shareId() != null && !share.equals(notice.shareId())
                || !noticeSubject.sessionId().equals(notice.sessionId()) || !noticesGiven.add(notice.id())) {
            return;
        }
        log.info("Cutting off viewer {} of session {}: {}", viewer, notice.sessionId(), notice.cut());
        end(TunnelFailure.valueOf(notice.cut().name()));
    }

    /** Cuts this viewer's tunnel off; the owner's connection it joined on this gateway ended. */
    void cut(TunnelFailure failure) {
        if (viewerName != null) {
            end(failure);
        }
    }

    /** Hands the page one of the gateway's own short instructions, queued behind the frame being sent. */
    void tell(String instruction) {
        if (!ended()) {
            browser.reply(instruction);
        }
    }

    /** The session and grant whose notices this tunnel's page gets, once the tunnel shows the display. */
    Optional<NoticePoll.Tunnel> noticeSubject() {
        return ended() ? Optional.empty() : Optional.ofNullable(noticeSubject);
    }

    /**
     * Hands the page a notice once (by its id), queued behind the display frame being sent, never waiting for it;
     * called on the notice relay's thread.
     */
    void deliver(SessionNotice notice) {
        if (ended() || noticeSubject == null || !noticeSubject.sessionId().equals(notice.sessionId())) {
            return;
        }
        if (notice.disconnectsIdle() && activeSince(notice.idleSince())) {
            // input (or this tunnel) the broker has not heard of yet: not idle; a later poll says again if it is
            return;
        }
        if (!noticesGiven.add(notice.id())) {
            return;
        }
        browser.reply(new GuacamoleInstruction(NOTICE_OPCODE, notice.id(), Long.toString(notice.secondsLeft()),
                Objects.toString(notice.text(), "")).toString());
        log.info("Gave notice {} to the page of session {}", notice.id(), notice.sessionId());
        if (notice.disconnectsIdle()) {
            log.info("Disconnecting the idle tunnel of session {}", notice.sessionId());
            end(TunnelFailure.IDLE_DISCONNECTED);
        }
    }

    /** Whether this tunnel was opened, or its user gave input, after {@code since}. */
    private boolean activeSince(Instant since) {
        Instant input = lastInputAt;
        return createdAt.isAfter(since) || input != null && input.isAfter(since);
    }

    /**
     * Publishes an {@code ACTIVITY} record when the user gave input since the last one; called on the activity
     * reporter's thread only.
     */
    void reportActivity() {
        Instant input = lastInputAt;
        ConnectionSubject about = subject;
        if (ended() || about == null || input == null || input.equals(reportedInputAt)) {
            return;
        }
        reportedInputAt = input;
        telemetry.publish(ConnectionEvent.activity(about, Instant.now(), input));
    }

    /** The WebSocket is closed; free guacd. */
    void browserClosed() {
        if (Thread.currentThread() == runner) {
            // The container closed it from inside one of our own sends (say, on a write timeout): that send
            // is about to fail, and its failure names the reason.
            return;
        }
        end(BROWSER_CLOSED, null);
    }

    /** The gateway shuts down; tell the browser and free guacd. */
    void stop() {
        end(TunnelFailure.GATEWAY_STOPPING);
    }

    private boolean attach(GuacamoleTunnel tunnel) {
        guacd.set(tunnel);
        if (ended()) {
            closeGuacd();
            return false;
        }
        return true;
    }

    private boolean ended() {
        return endReason.get() != null;
    }

    /** Ends the tunnel on a failure, which is also the reason its telemetry gives. */
    private void end(TunnelFailure failure) {
        end(failure.name(), failure);
    }

    /** Ends the tunnel once: {@code failure} is null when it closed normally. */
    private void end(String reason, TunnelFailure failure) {
        if (!endReason.compareAndSet(null, reason)) {
            return;
        }
        closeGuacd();
        browser.close(failure, unsentResume.getAndSet(null));
    }

    private void closeGuacd() {
        GuacamoleTunnel tunnel = guacd.get();
        if (tunnel == null) {
            return;
        }
        try {
            tunnel.close();
        } catch (GuacamoleException e) {
            log.debug("Closing the guacd socket of {} failed; it is dropped", request, e);
        }
    }
}
