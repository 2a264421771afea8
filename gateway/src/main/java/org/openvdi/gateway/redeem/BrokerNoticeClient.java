package org.openvdi.gateway.redeem;

import java.util.List;
import org.openvdi.contract.NoticePoll;
import org.openvdi.contract.SessionNotice;
import org.openvdi.gateway.GatewaySettings;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks the broker for the notices of the sessions this gateway carries:
 * {@code POST {broker-url}/internal/notices} with HTTP Basic user {@code gateway}, one call for up to
 * {@link NoticePoll#MAX_TUNNELS} tunnels. Any failure means "no answer this time"; the next poll asks again.
 */
@Component
public class BrokerNoticeClient {

    static final String NOTICES_PATH = "/internal/notices";
    private static final ParameterizedTypeReference<List<SessionNotice>> NOTICES = new ParameterizedTypeReference<>() {
    };

    private final RestClient restClient;
    private final String gatewayId;

    public BrokerNoticeClient(RestClient.Builder builder, GatewaySettings settings) {
        this.restClient = BrokerRestClients.forBroker(builder, settings);
        this.gatewayId = settings.gatewayId();
    }

    /**
     * The notices for these tunnels, as the broker has them now.
     *
     * @throws BrokerUnavailableException the broker could not be asked or answered outside the contract
     */
    public List<SessionNotice> notices(List<NoticePoll.Tunnel> tunnels) throws BrokerUnavailableException {
        try {
            List<SessionNotice> notices = restClient.post()
                    .uri(NOTICES_PATH)
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                    .body(new NoticePoll(gatewayId, tunnels))
                    .retrieve()
                    .body(NOTICES);
            return notices == null ? List.of() : notices;
        } catch (RestClientException e) {
            throw new BrokerUnavailableException("the broker's notices could not be read: " + e.getMessage(), e);
        }
    }
}
