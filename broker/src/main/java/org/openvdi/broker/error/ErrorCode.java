package org.openvdi.broker.error;

/** Business error codes, each with the HTTP status the REST layer answers with. */
public enum ErrorCode {
    VALIDATION_FAILED(400),
    HOST_URI_NOT_ALLOWED(400),
    IMAGE_PATH_NOT_ALLOWED(400),
    IMAGE_UNREADABLE(400),
    POOL_SIZE_INVALID(400),
    SPARE_POLICY_INVALID(400),
    POOL_LIMITS_INVALID(400),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    HOST_NOT_FOUND(404),
    TEMPLATE_NOT_FOUND(404),
    TEMPLATE_VERSION_NOT_FOUND(404),
    POOL_NOT_FOUND(404),
    ROLLOUT_NOT_FOUND(404),
    DESKTOP_NOT_FOUND(404),
    SESSION_NOT_FOUND(404),
    RECORDING_NOT_FOUND(404),
    BACKTEST_NOT_FOUND(404),
    NAME_TAKEN(409),
    TEMPLATE_VERSION_RETIRED(409),
    DESKTOP_NOT_AVAILABLE(409),
    DESKTOP_IN_USE(409),
    /** Recycling a persistent desktop deletes its user's disk: only when asked with force. */
    DESKTOP_PERSISTENT(409),
    ILLEGAL_STATE(409),
    HOST_NOT_AUTO(409),
    HOST_NOT_DRAINED(409),
    HOST_NOT_EMPTY(409),
    TEMPLATE_IN_USE(409),
    ROLLOUT_ACTIVE(409),
    POOL_DRAINING(409),
    ROLLOUT_SAME_VERSION(409),
    ROLLOUT_OTHER_TEMPLATE(409),
    ROLLOUT_FINISHED(409),
    VERSION_IN_USE(409),
    RECORDING_NOT_AVAILABLE(409),
    RECORDING_DELETED(410),
    POOL_DELETED(410),
    RANGE_NOT_SATISFIABLE(416),
    SESSION_ENDED(410),
    SESSION_ENDED_BY_ROLLOUT(410),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    SIGN_IN_THROTTLED(429),
    RATE_LIMITED(429),
    TOKEN_UNKNOWN(401),
    TOKEN_EXPIRED(401),
    TOKEN_ALREADY_USED(401),
    TOKEN_WRONG_USER(403),
    DESKTOP_GONE(410),
    /** Shared sessions: no such share link (or not yours to see), one used up, run out or withdrawn, one for someone else. */
    SHARE_NOT_FOUND(404),
    SHARE_ALREADY_USED(409),
    SHARE_EXPIRED(410),
    SHARE_REVOKED(410),
    SHARE_NOT_FOR_YOU(403),
    /** A share link opened (or a viewer reconnecting) while the session's owner is not connected: the link stays good. */
    SHARE_OWNER_ABSENT(409),
    POOL_FULL(503),
    DESKTOP_POWER_ON_FAILED(503),
    NO_HOST_AVAILABLE(503),
    /** The identity provider that issued a presented access token could not be asked for its keys. */
    IDENTITY_PROVIDER_UNREACHABLE(503),
    /** Another request changed the same thing at the same moment, and retrying did not get through; try again. */
    BUSY(503),
    /** PostgreSQL cannot be reached (stopped, restarting, cut off): nothing was stored; try again shortly. */
    DATABASE_UNAVAILABLE(503),
    /**
     * Every connection of the broker's pool stayed in use while PostgreSQL answered: the broker is overloaded, the
     * database is not away. Nothing was stored; try again shortly.
     */
    SERVICE_BUSY(503),
    /** A 4xx, as every refusal of a redemption: the gateway takes a 5xx for the broker failing. */
    DISPLAY_UNREACHABLE(409),
    IMAGE_INVALID(400),
    IMAGE_CHECKSUM_MISMATCH(409);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
