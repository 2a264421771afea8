package org.openvdi.gateway.redeem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.gateway.GatewaySettings;
import org.openvdi.gateway.testsupport.FakeBroker;
import org.openvdi.gateway.testsupport.LocalPorts;
import org.springframework.web.client.RestClient;

/**
 * The redeem call over real HTTP. The broker's endpoint cannot run in this module, so {@link FakeBroker}
 * (a com.sun.net.httpserver server) plays its contract; the end-to-end test with the real broker lives
 * with the broker.
 */
class BrokerRedeemClientTest {

    private static final String SECRET = "s3cret";
    private static final FakeBroker broker = FakeBroker.start(SECRET);

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void givenAGrantedToken_whenRedeemed_thenTheGrantComesBackAndTheCallFollowsTheContract() throws Exception {
        FakeBroker.Grant granted = broker.grant("10.0.0.7", 5901, "pw");

        ConnectionGrant grant = client(broker.url(), SECRET).redeem(granted.token(), "192.0.2.10");

        assertThat(grant).isEqualTo(new ConnectionGrant(granted.sessionId(), granted.desktopId(), "alice", "vnc",
                "10.0.0.7", 5901, "pw", granted.resumeToken(), granted.connectionId()));
        assertThat(grant.toString()).doesNotContain("pw").doesNotContain(granted.resumeToken())
                .doesNotContain(granted.connectionId());
        assertThat(broker.requests()).last().satisfies(body -> {
            assertThat(body).containsEntry("token", granted.token());
            assertThat(body).containsEntry("gatewayId", "gw-1");
            assertThat(body).containsEntry("clientAddress", "192.0.2.10");
        });
    }

    @Test
    void givenARedeemedToken_whenRedeemedAgain_thenTheBrokersCodeIsReported() throws Exception {
        FakeBroker.Grant granted = broker.grant("10.0.0.7", 5901, "pw");
        BrokerRedeemClient client = client(broker.url(), SECRET);
        client.redeem(granted.token(), "192.0.2.10");

        assertThatThrownBy(() -> client.redeem(granted.token(), "192.0.2.10"))
                .isInstanceOfSatisfying(RedeemRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo("TOKEN_ALREADY_USED"));
    }

    @Test
    void givenTheWrongSecret_whenRedeeming_thenTheBrokerCountsAsUnavailable() {
        FakeBroker.Grant granted = broker.grant("10.0.0.7", 5901, "pw");

        assertThatThrownBy(() -> client(broker.url(), "wrong").redeem(granted.token(), "192.0.2.10"))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("401");
    }

    @Test
    void givenTheBrokerAnswers503_whenRedeeming_thenTheBrokerIsUnavailable() {
        String token = broker.tokenAnswering(new FakeBroker.Unavailable());

        assertThatThrownBy(() -> client(broker.url(), SECRET).redeem(token, "192.0.2.10"))
                .isInstanceOf(BrokerUnavailableException.class)
                .hasMessageContaining("503");
    }

    @Test
    void givenTheBrokerDropsTheConnection_whenRedeeming_thenTheBrokerIsUnavailable() {
        String token = broker.tokenAnswering(new FakeBroker.Dropped());

        assertThatThrownBy(() -> client(broker.url(), SECRET).redeem(token, "192.0.2.10"))
                .isInstanceOf(BrokerUnavailableException.class);
    }

    @Test
    void givenNothingListensAtTheBrokerUrl_whenRedeeming_thenTheBrokerIsUnavailable() {
        String url = "http://127.0.0.1:" + LocalPorts.closedPort();

        assertThatThrownBy(() -> client(url, SECRET).redeem(FakeBroker.newToken(), "192.0.2.10"))
                .isInstanceOf(BrokerUnavailableException.class);
    }

    private static BrokerRedeemClient client(String brokerUrl, String secret) {
        GatewaySettings settings = new GatewaySettings(URI.create(brokerUrl), secret, URI.create("http://portal/"),
                "127.0.0.1", 4822, "gw-1", "openvdi.connections", Duration.ofSeconds(2), Duration.ofSeconds(2),
                "/var/lib/guacamole/recordings");
        return new BrokerRedeemClient(RestClient.builder(), new ObjectMapper(), settings);
    }
}
