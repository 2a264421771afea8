package org.openvdi.gateway.redeem;

/**
 * The broker refused a token and said why with a problem {@code code}
 * ({@code TOKEN_UNKNOWN}, {@code TOKEN_EXPIRED}, {@code TOKEN_ALREADY_USED}, {@code TOKEN_WRONG_USER},
 * {@code SESSION_ENDED}, {@code DESKTOP_GONE}).
 */
public class RedeemRejectedException extends Exception {

    private final String code;

    public RedeemRejectedException(String code, int httpStatus) {
        super("broker refused the token with HTTP " + httpStatus + " and code " + code);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
