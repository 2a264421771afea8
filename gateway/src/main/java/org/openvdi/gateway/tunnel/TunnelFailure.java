package org.openvdi.gateway.tunnel;

import java.util.Arrays;
import java.util.Optional;

import jakarta.websocket.CloseReason;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * Every way a tunnel can fail, mapped in one place to what the browser is told:
 * <ul>
 *   <li>a Guacamole {@code error} instruction {@code error,<message>,<status>,<name>}: the message is
 *       meant for the employee, the status is the Guacamole status code ({@link GuacamoleStatus}), and
 *       the extra third argument is this constant's name, which stock Guacamole clients ignore and the
 *       gateway's page uses to pick its screen;</li>
 *   <li>then a WebSocket close with a private-use close code (44xx: the link, session or browser;
 *       45xx: a service behind the gateway) and, as close reason, the Guacamole status code in decimal,
 *       which is what {@code Guacamole.WebSocketTunnel} reads.</li>
 * </ul>
 * The constants that carry a broker problem {@code code} have the same name as that code.
 */
enum TunnelFailure {

    TOKEN_MISSING(GuacamoleStatus.CLIENT_BAD_REQUEST, 4400, false, false,
            "This link is incomplete. Go back to the portal and open the desktop again."),
    TOKEN_UNKNOWN(GuacamoleStatus.CLIENT_FORBIDDEN, 4401, true, false,
            "This link is not valid. Go back to the portal and open the desktop again."),
    TOKEN_EXPIRED(GuacamoleStatus.CLIENT_UNAUTHORIZED, 4402, true, false,
            "This link has expired. Go back to the portal and open the desktop again."),
    TOKEN_ALREADY_USED(GuacamoleStatus.CLIENT_UNAUTHORIZED, 4403, true, false,
            "This link has already been used. Go back to the portal and open the desktop again."),
    TOKEN_WRONG_USER(GuacamoleStatus.CLIENT_FORBIDDEN, 4404, true, false,
            "This link belongs to someone else. Sign in to the portal as yourself and open your desktop."),
    BROWSER_TOO_SLOW(GuacamoleStatus.CLIENT_TIMEOUT, 4408, false, false,
            "Your browser did not keep up with the display stream."),
    SESSION_ENDED(GuacamoleStatus.RESOURCE_CLOSED, 4410, true, false,
            "This desktop session has ended. Go back to the portal to start a new one."),
    DESKTOP_GONE(GuacamoleStatus.RESOURCE_NOT_FOUND, 4411, true, false,
            "This desktop no longer exists. Go back to the portal and open a desktop again."),
    SESSION_ENDED_BY_ROLLOUT(GuacamoleStatus.RESOURCE_CLOSED, 4412, true, false,
            "This desktop session was ended to update the desktop. Go back to the portal to start a new one."),
    /**
     * The broker's notice poll said the session was idle past its pool's idle limit; the session and desktop stay.
     * Its status is the only {@code SESSION_TIMEOUT}, so the page knows it from the close alone when the error
     * instruction could not be sent first (a display frame was on its way).
     */
    IDLE_DISCONNECTED(GuacamoleStatus.SESSION_TIMEOUT, 4413, false, false,
            "Disconnected after a while without keyboard or mouse input. Your desktop is kept: open it again from the portal."),
    /**
     * A viewer's owner is not connected (the broker refused the viewer's token, or told the gateway to cut the viewer
     * off, or the owner's connection on this gateway ended): the viewer's page tries again with its resume token.
     */
    SHARE_OWNER_ABSENT(GuacamoleStatus.RESOURCE_NOT_FOUND, 4414, true, false,
            "The person who shared this desktop is not connected right now. This tab tries again until they are back."),
    /** The owner withdrew the share the viewer watched through. */
    SHARE_REVOKED(GuacamoleStatus.RESOURCE_CLOSED, 4415, true, false,
            "The person who shared this desktop stopped sharing it."),
    /** The share the viewer watched through ran out. */
    SHARE_EXPIRED(GuacamoleStatus.RESOURCE_CLOSED, 4416, true, false,
            "This shared desktop's time is up. Ask its owner for a new link to go on watching."),
    GATEWAY_ERROR(GuacamoleStatus.SERVER_ERROR, 4500, false, true,
            "The gateway failed unexpectedly. Try again in a minute."),
    GATEWAY_STOPPING(GuacamoleStatus.SERVER_BUSY, 4501, false, false,
            "The gateway is restarting. Reconnecting will pick another one."),
    BROKER_UNAVAILABLE(GuacamoleStatus.UPSTREAM_UNAVAILABLE, 4502, false, true,
            "The desktop service is unavailable; try again in a minute."),
    GUACD_UNAVAILABLE(GuacamoleStatus.UPSTREAM_NOT_FOUND, 4503, false, true,
            "The display service is unavailable; try again in a minute."),
    DISPLAY_LOST(GuacamoleStatus.UPSTREAM_ERROR, 4504, false, false,
            "The connection to the desktop's display was lost."),
    DISPLAY_UNREACHABLE(GuacamoleStatus.UPSTREAM_UNAVAILABLE, 4505, true, false,
            "Your desktop's display does not answer: its host may be unreachable. Try again in a minute.");

    private final GuacamoleStatus status;
    private final int closeCode;
    private final boolean brokerCode;
    private final boolean serverFault;
    private final String message;

    TunnelFailure(GuacamoleStatus status, int closeCode, boolean brokerCode, boolean serverFault, String message) {
        this.status = status;
        this.closeCode = closeCode;
        this.brokerCode = brokerCode;
        this.serverFault = serverFault;
        this.message = message;
    }

    /** The failure for a problem {@code code} of the broker's redeem call, if it is one of the contract's. */
    static Optional<TunnelFailure> fromBrokerCode(String code) {
        return Arrays.stream(values()).filter(f -> f.brokerCode && f.name().equals(code)).findFirst();
    }

    GuacamoleStatus status() {
        return status;
    }

    int closeCode() {
        return closeCode;
    }

    /** True when the gateway or a service behind it is at fault (logged as an error), not the link or browser. */
    boolean serverFault() {
        return serverFault;
    }

    String message() {
        return message;
    }

    GuacamoleInstruction errorInstruction() {
        return new GuacamoleInstruction("error", message, Integer.toString(status.getGuacamoleStatusCode()), name());
    }

    CloseReason closeReason() {
        return new CloseReason(CloseReason.CloseCodes.getCloseCode(closeCode),
                Integer.toString(status.getGuacamoleStatusCode()));
    }
}
