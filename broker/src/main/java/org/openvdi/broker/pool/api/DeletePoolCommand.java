package org.openvdi.broker.pool.api;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.openvdi.broker.hypervisor.UserDiskFate;

/**
 * Starts a pool's deletion: it drains, and is deleted once its last desktop is gone. Asking again while it drains
 * or once it is deleted changes nothing (the first deadline holds).
 *
 * @param deadline  when the sessions still open are ended
 * @param message   the admin's notice shown in those sessions' desktop tabs until then, or null
 * @param userDisks what becomes of the user disks of a persistent pool's desktops
 */
public record DeletePoolCommand(@TargetAggregateIdentifier UUID poolId, Instant deadline, String message,
                                UserDiskFate userDisks) {
}
