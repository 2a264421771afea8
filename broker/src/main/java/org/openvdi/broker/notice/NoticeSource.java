package org.openvdi.broker.notice;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.openvdi.contract.SessionNotice;

/**
 * One kind of notice a desktop tab shows: the pending notices of the given open sessions at an instant. Notices are
 * state, worked out on each poll; their ids name their kind and the moment they count from, so a gateway hands each
 * one over once.
 */
interface NoticeSource {

    List<SessionNotice> of(Set<UUID> sessions, Instant now);
}
