package org.openvdi.broker.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.session.ConnectionToken;
import org.openvdi.broker.testsupport.BrokerHttp.Reply;
import org.openvdi.broker.testsupport.DemoBrokerTest;

/**
 * The employee's and the gateway's side of connection tokens against the running broker. The demo
 * host is libvirt's test driver, whose desktops have no display: a valid token is refused there
 * with DESKTOP_GONE (the real redemption is covered against qemu:///system in {@link RealDisplayRedeemTest}).
 */
class ConnectionTokenApiTest extends DemoBrokerTest {

    private Reply redeem(String token) {
        return gateway().post("/internal/connections/redeem",
                Map.of("token", token, "gatewayId", "gw-test", "clientAddress", "192.0.2.7"));
    }

    private Reply connect(String user, UUID sessionId) {
        return as(user).post("/api/sessions/" + sessionId + "/connect", null);
    }

    @Test
    void givenReadySession_whenUserAsksToConnect_thenOneTimeGatewayUrlValidForAMinute() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        Instant before = Instant.now();

        Reply reply = connect("alice", session);

        assertThat(reply.status()).isEqualTo(200);
        String url = reply.body().path("connectUrl").asText();
        assertThat(url).startsWith(GATEWAY_URL + "/connect?token=");
        assertThat(tokenOf(url)).matches("[A-Za-z0-9_-]{43}");
        Instant expiresAt = Instant.parse(reply.body().path("expiresAt").asText());
        assertThat(expiresAt).isBetween(before.plusSeconds(55), Instant.now().plusSeconds(61));
        List<JsonNode> issued = eventsOfType(session, "ConnectionTokenIssuedEvent");
        JsonNode last = issued.get(issued.size() - 1);
        assertThat(last.path("payload").path("tokenHash").asText()).isEqualTo(ConnectionToken.hashOf(tokenOf(url)));
        assertThat(last.path("actor").asText()).isEqualTo("alice");
        assertThat(events(session).toString()).doesNotContain(tokenOf(url));
    }

    @Test
    void givenReadySession_whenRequestedAgain_thenTheSameSessionComesWithAConnectUrl() {
        JsonNode session = readySession("bob");

        Reply again = as("bob").post("/api/sessions", Map.of("poolId", demoPool()));

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().path("id").asText()).isEqualTo(session.path("id").asText());
        assertThat(again.body().path("state").asText()).isEqualTo("READY");
        assertThat(again.body().path("connectUrl").asText()).startsWith(GATEWAY_URL + "/connect?token=");
    }

    @Test
    void givenAnotherUsersSession_whenAskedToConnect_thenNotFoundEvenForAdmins() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        int issuedBefore = eventsOfType(session, "ConnectionTokenIssuedEvent").size();

        assertThat(connect("bob", session).status()).isEqualTo(404);
        assertThat(connect("bob", session).code()).isEqualTo("SESSION_NOT_FOUND");
        assertThat(connect("admin", session).status()).isEqualTo(404);
        assertThat(eventsOfType(session, "ConnectionTokenIssuedEvent")).hasSize(issuedBefore);
    }

    @Test
    void givenForgedToken_whenRedeemed_thenUnauthorizedProblem() {
        Reply reply = redeem(ConnectionToken.random().value());

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.code()).isEqualTo("TOKEN_UNKNOWN");
    }

    @Test
    void givenValidToken_whenSomeoneOtherThanTheGatewayRedeems_thenRefusedAndTokenUntouched() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        String token = tokenOf(connect("alice", session).body().path("connectUrl").asText());
        Map<String, String> body = Map.of("token", token, "gatewayId", "gw-test", "clientAddress", "192.0.2.7");

        assertThat(http.post("/internal/connections/redeem", body).status()).isEqualTo(401);
        assertThat(http.as("gateway", "wrong").post("/internal/connections/redeem", body).status()).isEqualTo(401);
        assertThat(as("alice").post("/internal/connections/redeem", body).status()).isEqualTo(403);
        assertThat(eventsOfType(session, "ConnectionTokenRejectedEvent")).isEmpty();
        assertThat(eventsOfType(session, "ConnectionTokenRedeemedEvent")).isEmpty();
    }

    @Test
    void givenTestDriverDesktopWithoutDisplay_whenTokenRedeemed_thenDesktopGoneIsRecordedThenAnswered() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        String token = tokenOf(connect("alice", session).body().path("connectUrl").asText());

        Reply reply = redeem(token);

        assertThat(reply.status()).isEqualTo(410);
        assertThat(reply.code()).isEqualTo("DESKTOP_GONE");
        assertThat(reply.body().path("detail").asText()).contains("has no VNC display");
        List<JsonNode> rejected = eventsOfType(session, "ConnectionTokenRejectedEvent");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).path("payload").path("code").asText()).isEqualTo("DESKTOP_GONE");
        assertThat(rejected.get(0).path("payload").path("gatewayId").asText()).isEqualTo("gw-test");
        assertThat(rejected.get(0).path("actor").asText()).isEqualTo("gateway");
    }

    @Test
    void givenEndedSession_whenConnectingOrRedeeming_thenGoneAndTheRefusalIsRecorded() {
        UUID session = UUID.fromString(readySession("alice").path("id").asText());
        String token = tokenOf(connect("alice", session).body().path("connectUrl").asText());
        assertThat(as("alice").delete("/api/sessions/" + session).status()).isEqualTo(200);

        Reply connect = connect("alice", session);
        Reply redeem = redeem(token);

        assertThat(connect.status()).isEqualTo(410);
        assertThat(connect.code()).isEqualTo("SESSION_ENDED");
        assertThat(redeem.status()).isEqualTo(410);
        assertThat(redeem.code()).isEqualTo("SESSION_ENDED");
        assertThat(eventsOfType(session, "ConnectionTokenRejectedEvent"))
                .extracting(e -> e.path("payload").path("code").asText()).containsExactly("SESSION_ENDED");
    }

    @Test
    void givenMalformedRedeemRequest_whenPosted_thenValidationProblem() {
        Reply reply = gateway().post("/internal/connections/redeem", Map.of("gatewayId", "gw-test"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("VALIDATION_FAILED");
    }
}
