package org.openvdi.broker.session.api;

/**
 * Why a session ended, as a code beside the reason's text. Sessions ended before revision 2 of
 * {@link SessionEndedEvent} have none (null).
 */
public enum SessionEndCause {
    /** The user logged off, or someone ended it by hand. */
    LOGOFF,
    /** It stayed disconnected longer than {@code openvdi.connect.disconnect-timeout}. */
    DISCONNECT_TIMEOUT,
    /** Its user stayed disconnected longer than the pool's {@code afterDisconnected}; the desktop is suspended or shut down. */
    DISCONNECTED_POWER_DOWN,
    /** Its desktop was ready but the session was never opened within the unopened timeout. */
    NEVER_OPENED,
    /** It reached its pool's maximum session length. */
    MAX_LENGTH,
    /** Anything else (a rollout's forced logoff, a desktop that failed or vanished). */
    OTHER
}
