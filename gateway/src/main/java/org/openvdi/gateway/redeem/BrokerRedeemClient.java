package org.openvdi.gateway.redeem;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.contract.RedeemRequest;
import org.openvdi.gateway.GatewaySettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Redeems one-time connection tokens at the broker:
 * {@code POST {broker-url}/internal/connections/redeem} with HTTP Basic user {@code gateway}.
 * A 4xx answer carries an {@code application/problem+json} body whose {@code code} says why;
 * a 5xx answer, a timeout or a refused connection mean the broker is unavailable.
 */
@Component
public class BrokerRedeemClient {

    static final String REDEEM_PATH = "/internal/connections/redeem";
    private static final Logger log = LoggerFactory.getLogger(BrokerRedeemClient.class);

    private final RestClient restClient;
    private final ObjectMapper objectMapper;
    private final String gatewayId;

    public BrokerRedeemClient(RestClient.Builder builder, ObjectMapper objectMapper, GatewaySettings settings) {
        this.restClient = BrokerRestClients.forBroker(builder, settings);
        this.objectMapper = objectMapper;
        this.gatewayId = settings.gatewayId();
    }

    /**
     * Redeems a token once.
     *
     * @throws RedeemRejectedException    the broker refused the token and said why
     * @throws BrokerUnavailableException the broker could not be reached or answered outside the contract
     */
    public ConnectionGrant redeem(String token, String clientAddress)
            throws RedeemRejectedException, BrokerUnavailableException {
        try {
            ConnectionGrant grant = restClient.post()
                    .uri(REDEEM_PATH)
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                    .body(new RedeemRequest(token, gatewayId, clientAddress))
                    .retrieve()
                    .body(ConnectionGrant.class);
            if (grant == null) {
                throw new BrokerUnavailableException("the broker answered the redeem call with an empty body");
            }
            log.debug("Redeemed a token for {}", grant);
            return grant;
        } catch (HttpClientErrorException e) {
            String code = problemCode(e);
            if (code == null) {
                throw new BrokerUnavailableException("the broker answered " + e.getStatusCode()
                        + " without a problem code: " + e.getResponseBodyAsString(), e);
            }
            throw new RedeemRejectedException(code, e.getStatusCode().value());
        } catch (RestClientResponseException e) {
            throw new BrokerUnavailableException("the broker answered " + e.getStatusCode(), e);
        } catch (RestClientException e) {
            throw new BrokerUnavailableException("the broker could not be asked: " + e.getMessage(), e);
        }
    }

    private String problemCode(HttpClientErrorException e) {
        try {
            String code = objectMapper.readTree(e.getResponseBodyAsByteArray()).path("code").asText("");
            return code.isBlank() ? null : code;
        } catch (IOException notJson) {
            log.debug("The broker's {} answer is not JSON", e.getStatusCode(), notJson);
            return null;
        }
    }
}
