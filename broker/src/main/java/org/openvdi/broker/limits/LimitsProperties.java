package org.openvdi.broker.limits;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Sign-in throttling and per-user limits, bound from {@code openvdi.limits.*}. The counts live in
 * PostgreSQL, so every broker on the same database enforces the same limits.
 *
 * @param signIn                   when failed sign-ins lead to a ban
 * @param sessionRequestsPerMinute session requests ({@code POST /api/sessions}) one user may make in a
 *                                 minute; further ones answer 429 RATE_LIMITED until the minute is over
 * @param connectTokensPerMinute   connect URLs ({@code POST /api/sessions/{id}/connect}) one user may get in
 *                                 a minute; further ones answer 429 RATE_LIMITED until the minute is over
 * @param cleanupInterval          how often counters past their window and ban are deleted
 */
@Validated
@ConfigurationProperties("openvdi.limits")
public record LimitsProperties(
        @DefaultValue @Valid @NotNull SignIn signIn,
        @DefaultValue("20") @Min(1) int sessionRequestsPerMinute,
        @DefaultValue("20") @Min(1) int connectTokensPerMinute,
        @DefaultValue("1m") @NotNull Duration cleanupInterval) {

    /** The per-user windows are one minute long. */
    public static final Duration MINUTE = Duration.ofMinutes(1);

    /**
     * Failed sign-ins are counted per user name (known or not) and per client address, each in a window
     * that starts with its first failure. The failure that reaches {@code maxFailures} within the window
     * bans that name or address for {@code ban}: every sign-in with it answers 429 SIGN_IN_THROTTLED, even
     * with the right password, until the ban ends.
     *
     * @param maxFailures failures within the window that start a ban (Guacamole's ban extension: 5)
     * @param window      how long failures are counted together (Guacamole: 5 minutes)
     * @param ban         how long a ban lasts (Guacamole: 5 minutes)
     */
    public record SignIn(
            @DefaultValue("5") @Min(1) int maxFailures,
            @DefaultValue("5m") @NotNull Duration window,
            @DefaultValue("5m") @NotNull Duration ban) {

        public SignIn {
            if (window != null && (window.isNegative() || window.isZero())
                    || ban != null && (ban.isNegative() || ban.isZero())) {
                throw new IllegalArgumentException("openvdi.limits.sign-in.window and .ban must be positive");
            }
        }
    }
}
