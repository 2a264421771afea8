package org.openvdi.contract;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of the broker's {@code POST /internal/notices}: a gateway asks, every few seconds and in one call, for
 * the notices of the sessions whose tunnels it carries. The broker answers only for a tunnel whose connection id
 * it handed to this same gateway for that session, so a gateway learns nothing about sessions it does not carry.
 *
 * @param gatewayId which gateway asks
 * @param tunnels   its open tunnels, at most {@link #MAX_TUNNELS}
 */
public record NoticePoll(@NotBlank @DisplayText(max = 200) String gatewayId,
                         @NotNull @Size(max = NoticePoll.MAX_TUNNELS) List<@NotNull @Valid Tunnel> tunnels) {

    /** The most tunnels one call may name; a gateway with more asks in several calls. */
    public static final int MAX_TUNNELS = 1000;

    /**
     * One open tunnel: the session it shows and the secret connection id of the grant that opened it.
     *
     * @param sessionId    the session
     * @param connectionId the grant's connection id, left out of {@link #toString()}
     */
    public record Tunnel(@NotNull java.util.UUID sessionId, @NotBlank @Size(max = 200) String connectionId) {

        @Override
        public String toString() {
            return "Tunnel[sessionId=" + sessionId + "]";
        }
    }
}
