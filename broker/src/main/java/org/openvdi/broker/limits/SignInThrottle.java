package org.openvdi.broker.limits;

import java.util.Optional;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.limits.api.RecordSignInThrottledCommand;
import org.openvdi.broker.limits.api.ThrottledSubject;
import org.openvdi.broker.security.UserDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides whether a sign-in may be tried, and counts how sign-ins end, per user name and per client address.
 * A failure counts against both; the failure that reaches the limit bans that name or address and records
 * the ban as an event. A success forgets the failures of its name only: forgetting its address's too would
 * let one valid account reset the guesses made from that address. A success never lifts a ban in force.
 * Unknown names count like known ones. The gateway's internal account ({@link UserDirectory#GATEWAY_USER})
 * is never banned by name, since that would stop every connection; its secret is long and random, and the
 * address that guesses it is still banned. Names are only ever stored, logged and recorded as their key
 * ({@link LimitCounters#nameKey}): people type passwords into the name field.
 */
@Component
class SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);

    private final LimitCounters counters;
    private final LimitsProperties.SignIn settings;
    private final AuditedCommands commands;

    SignInThrottle(LimitCounters counters, LimitsProperties properties, AuditedCommands commands) {
        this.counters = counters;
        this.settings = properties.signIn();
        this.commands = commands;
    }

    /** Seconds until sign-ins with this name or from this address are allowed again, if they are banned. */
    Optional<Long> refusal(String userName, String clientAddress) {
        String addressKey = LimitCounters.addressKey(clientAddress);
        if (isGateway(userName)) {
            return counters.banned(LimitKind.SIGN_IN_ADDRESS, addressKey);
        }
        return counters.banned(LimitKind.SIGN_IN_NAME, LimitCounters.nameKey(userName),
                LimitKind.SIGN_IN_ADDRESS, addressKey);
    }

    void failed(String userName, String clientAddress) {
        String nameKey = LimitCounters.nameKey(userName);
        String addressKey = LimitCounters.addressKey(clientAddress);
        if (!isGateway(userName)) {
            counters.failure(LimitKind.SIGN_IN_NAME, nameKey, settings)
                    .ifPresent(ban -> record(ThrottledSubject.USER_NAME, nameKey, nameKey, addressKey, ban));
        }
        counters.failure(LimitKind.SIGN_IN_ADDRESS, addressKey, settings)
                .ifPresent(ban -> record(ThrottledSubject.CLIENT_ADDRESS, addressKey, nameKey, addressKey, ban));
    }

    /** Forgets the failures of this name (none are counted for the gateway); the address's stay. */
    void succeeded(String userName) {
        if (!isGateway(userName)) {
            counters.reset(LimitKind.SIGN_IN_NAME, LimitCounters.nameKey(userName));
        }
    }

    private static boolean isGateway(String userName) {
        return UserDirectory.GATEWAY_USER.equals(userName);
    }

    private void record(ThrottledSubject subject, String key, String nameKey, String addressKey, LimitCounters.Ban ban) {
        log.info("Sign-ins banned until {} ({} {} after {} failures; name key {}, address {})", ban.until(), subject,
                key, ban.failures(), nameKey, addressKey);
        commands.system(new RecordSignInThrottledCommand(SignInGuard.idOf(subject, key), subject, nameKey, addressKey,
                ban.failures(), ban.until()));
    }
}
