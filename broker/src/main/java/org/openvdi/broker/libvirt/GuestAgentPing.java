package org.openvdi.broker.libvirt;

import java.time.Duration;
import org.libvirt.Domain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a running domain's QEMU guest agent for {@code guest-ping} through libvirt (which first syncs with the
 * agent: {@code guest-sync}). An agent that is not connected yet, or not in sync, has not answered; anything
 * else libvirt reports is an error.
 */
final class GuestAgentPing {

    private static final Logger log = LoggerFactory.getLogger(GuestAgentPing.class);
    private static final String PING = "{\"execute\":\"guest-ping\"}";

    private GuestAgentPing() {
    }

    static boolean answers(Domain domain, Duration timeout) throws LibvirtException {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
        try {
            String reply = domain.qemuAgentCommand(PING, seconds, 0);
            return reply != null && reply.contains("\"return\"");
        } catch (LibvirtException e) {
            if (notAnswering(e)) {
                log.debug("guest agent of {} did not answer: {}", domain.getName(), LibvirtErrors.summary(e));
                return false;
            }
            throw e;
        }
    }

    private static boolean notAnswering(LibvirtException e) {
        ErrorNumber code = e.getError() == null ? null : e.getError().getCode();
        return code == ErrorNumber.VIR_ERR_AGENT_UNRESPONSIVE || code == ErrorNumber.VIR_ERR_AGENT_UNSYNCED
                || code == ErrorNumber.VIR_ERR_OPERATION_TIMEOUT;
    }
}
