package org.openvdi.broker.limits;

import java.util.Optional;
import org.openvdi.broker.audit.AuditedCommands;
import org.openvdi.broker.limits.api.RecordSignInThrottledCommand;
import org.openvdi.broker.limits.api.ThrottledSubject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Decides whether a sign-in may be tried, and counts how sign-ins end, per user name and per client address.
 * A failure counts against both; the failure that reaches the limit bans that name or address and records
 * the ban as an event. A success forgets the failures of its name and address, as Guacamole's ban extension
 * does for addresses, but never lifts a ban in force. Unknown names count like known ones.
 */
@Component
class SignInThrottle {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottle.class);
    private static final int MAX_RECORDED_NAME = 64;

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
        return counters.banned(LimitKind.SIGN_IN_NAME, LimitCounters.nameKey(userName),
                LimitKind.SIGN_IN_ADDRESS, LimitCounters.addressKey(clientAddress));
    }

    void failed(String userName, String clientAddress) {
        String nameKey = LimitCounters.nameKey(userName);
        String addressKey = LimitCounters.addressKey(clientAddress);
        counters.failure(LimitKind.SIGN_IN_NAME, nameKey, settings)
                .ifPresent(ban -> record(ThrottledSubject.USER_NAME, nameKey, userName, clientAddress, ban));
        counters.failure(LimitKind.SIGN_IN_ADDRESS, addressKey, settings)
                .ifPresent(ban -> record(ThrottledSubject.CLIENT_ADDRESS, addressKey, userName, clientAddress, ban));
    }

    void succeeded(String userName, String clientAddress) {
        counters.reset(LimitKind.SIGN_IN_NAME, LimitCounters.nameKey(userName),
                LimitKind.SIGN_IN_ADDRESS, LimitCounters.addressKey(clientAddress));
    }

    private void record(ThrottledSubject subject, String key, String userName, String clientAddress, LimitCounters.Ban ban) {
        String name = printable(userName);
        log.info("Sign-ins banned until {} ({} {} after {} failures; name {}, address {})", ban.until(), subject,
                subject == ThrottledSubject.USER_NAME ? name : clientAddress, ban.failures(), name, clientAddress);
        commands.system(new RecordSignInThrottledCommand(SignInGuard.idOf(subject, key), subject, name,
                LimitCounters.addressKey(clientAddress), ban.failures(), ban.until()));
    }

    /** The name as recorded: at most 64 characters, control and formatting (bidi) characters as {@code ?}. */
    static String printable(String userName) {
        String name = userName == null ? "" : userName;
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(MAX_RECORDED_NAME).forEach(c -> {
            int type = Character.getType(c);
            boolean hidden = Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.PRIVATE_USE;
            out.appendCodePoint(hidden ? '?' : c);
        });
        return out.toString();
    }
}
