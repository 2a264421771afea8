package org.openvdi.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

/**
 * The JSON the broker and the gateway exchange: field names, their order and the enum names are the wire format
 * both sides were built against, so that an old gateway and a new broker (or the reverse) still understand each
 * other. Each record survives a round trip, and its {@code toString()} keeps the secrets out of logs.
 */
class WireContractTest {

    /** As Spring Boot configures Jackson on both sides: ISO-8601 times. */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final UUID SESSION = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID DESKTOP = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID EVENT = UUID.fromString("00000000-0000-0000-0000-000000000003");
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    private static final ConnectionGrant GRANT = new ConnectionGrant(SESSION, DESKTOP, "alice", ConnectionGrant.VNC,
            "10.0.0.5", 5901, "vnc-secret", "resume-secret", "connection-secret");

    @Test
    void givenGrant_whenWritten_thenItHasTheBrokersFieldsInOrderAndReadsBack() throws Exception {
        String json = JSON.writeValueAsString(GRANT);

        assertThat(json).isEqualTo("{\"sessionId\":\"" + SESSION + "\",\"desktopId\":\"" + DESKTOP + "\","
                + "\"userName\":\"alice\",\"protocol\":\"vnc\",\"hostname\":\"10.0.0.5\",\"port\":5901,"
                + "\"password\":\"vnc-secret\",\"resumeToken\":\"resume-secret\",\"connectionId\":\"connection-secret\","
                + "\"recordingName\":null,\"viewerAccess\":null,\"shareId\":null}");
        assertThat(JSON.readValue(json, ConnectionGrant.class)).isEqualTo(GRANT);
        assertThat(GRANT.recorded()).isFalse();
    }

    @Test
    void givenRecordedGrant_whenWritten_thenItNamesTheRecordingAndReadsBack() throws Exception {
        ConnectionGrant recorded = new ConnectionGrant(SESSION, DESKTOP, "alice", ConnectionGrant.VNC, "10.0.0.5", 5901,
                null, "r", "c", SESSION + "-" + DESKTOP + ".guac");

        String json = JSON.writeValueAsString(recorded);

        assertThat(json).endsWith(",\"recordingName\":\"" + SESSION + "-" + DESKTOP + ".guac\",\"viewerAccess\":null,"
                + "\"shareId\":null}");
        assertThat(JSON.readValue(json, ConnectionGrant.class)).isEqualTo(recorded);
        assertThat(recorded.recorded()).isTrue();
    }

    @Test
    void givenViewerGrant_whenWritten_thenItCarriesTheAccessAndNoPasswordAndReadsBack() throws Exception {
        UUID share = UUID.randomUUID();
        ConnectionGrant viewer = new ConnectionGrant(SESSION, DESKTOP, "bob", ConnectionGrant.VNC, "10.0.0.5", 5901,
                null, "r", "c", null, ViewerAccess.VIEW, share);

        String json = JSON.writeValueAsString(viewer);

        assertThat(json).contains("\"password\":null").endsWith(",\"viewerAccess\":\"VIEW\",\"shareId\":\"" + share
                + "\"}");
        // a broker that predates shares named in grants leaves the field out
        assertThat(JSON.readValue(json.replace(",\"shareId\":\"" + share + "\"", ""), ConnectionGrant.class).shareId())
                .isNull();
        assertThat(JSON.readValue(json, ConnectionGrant.class)).isEqualTo(viewer);
        assertThat(viewer.joinsShared()).isTrue();
        assertThat(viewer.toString()).contains("viewerAccess=VIEW");
        assertThat(GRANT.joinsShared()).isFalse();
    }

    @Test
    void givenRecordingNameThatIsNoPlainFileName_whenGranted_thenRefused() {
        for (String hostile : new String[] {"../etc/passwd", "a/b", ".hidden", "", "a\u0000b", "a b", "x".repeat(201),
                "a\u202eb", "a;rm"}) {
            assertThatThrownBy(() -> new ConnectionGrant(SESSION, DESKTOP, "alice", ConnectionGrant.VNC, "h", 5901,
                    null, "r", "c", hostile)).as(hostile).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void givenGrant_whenLogged_thenNoSecretShows() {
        assertThat(GRANT.toString()).contains(SESSION.toString(), "alice", "10.0.0.5", "5901")
                .doesNotContain("vnc-secret", "resume-secret", "connection-secret");
    }

    @Test
    void givenGrantWithoutAField_whenRead_thenRefused() {
        String withoutConnection = "{\"sessionId\":\"" + SESSION + "\",\"desktopId\":\"" + DESKTOP + "\","
                + "\"userName\":\"alice\",\"protocol\":\"vnc\",\"hostname\":\"h\",\"port\":5901,\"resumeToken\":\"r\"}";

        assertThatThrownBy(() -> JSON.readValue(withoutConnection, ConnectionGrant.class))
                .hasRootCauseInstanceOf(NullPointerException.class).hasRootCauseMessage("connectionId");
    }

    @Test
    void givenRedeemRequest_whenWritten_thenItHasTheGatewaysFieldsAndReadsBack() throws Exception {
        RedeemRequest request = new RedeemRequest("token-secret", "gw-1", "10.1.2.3");

        String json = JSON.writeValueAsString(request);

        assertThat(json).isEqualTo("{\"token\":\"token-secret\",\"gatewayId\":\"gw-1\",\"clientAddress\":\"10.1.2.3\"}");
        assertThat(JSON.readValue(json, RedeemRequest.class)).isEqualTo(request);
        assertThat(request.toString()).contains("gw-1").doesNotContain("token-secret");
    }

    @Test
    void givenRedeemRequest_whenValidated_thenTokenAndGatewayAreRequiredAndTextIsDisplayText() {
        Validator validator = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

        assertThat(validator.validate(new RedeemRequest("t", "gw-1", null))).isEmpty();
        assertThat(paths(validator.validate(new RedeemRequest(" ", null, "10.1.2.3"))))
                .containsExactlyInAnyOrder("token", "gatewayId");
        assertThat(paths(validator.validate(new RedeemRequest("t", "gw\u202E1", "x".repeat(201)))))
                .containsExactlyInAnyOrder("gatewayId", "clientAddress");
    }

    @Test
    void givenConnectionEvents_whenWritten_thenTheyHaveTheTelemetryFieldsAndEnumNamesAndReadBack() throws Exception {
        ConnectionSubject subject = new ConnectionSubject(SESSION, DESKTOP, "alice", "gw-1", "10.1.2.3", "connection-secret");
        ConnectionEvent opened = ConnectionEvent.opened(subject, AT);
        ConnectionEvent closed = ConnectionEvent.closed(subject, AT, AT.plusSeconds(2), "BROWSER_CLOSED", 10, 20);

        JsonNode json = JSON.readTree(JSON.writeValueAsString(closed));

        List<String> fields = new ArrayList<>();
        json.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("eventId", "type", "sessionId", "desktopId", "userName", "gatewayId",
                "clientAddress", "occurredAt", "reason", "durationMillis", "bytesToClient", "bytesFromClient",
                "connectionId", "lastInputAt", "revision");
        assertThat(json.get("type").asText()).isEqualTo("CLOSED");
        assertThat(json.get("revision").asInt()).isEqualTo(2);
        assertThat(json.get("lastInputAt").isNull()).isTrue();
        assertThat(json.get("occurredAt").asText()).isEqualTo("2026-01-02T03:04:07Z");
        assertThat(json.get("durationMillis").asLong()).isEqualTo(2000);
        assertThat(JSON.readTree(JSON.writeValueAsString(opened)).get("type").asText()).isEqualTo("OPENED");
        assertThat(JSON.readValue(JSON.writeValueAsString(closed), ConnectionEvent.class)).isEqualTo(closed);
        assertThat(closed.toString()).doesNotContain("connection-secret");
        assertThat(subject.toString()).doesNotContain("connection-secret");
    }

    @Test
    void givenEventOfAnEarlierShape_whenRead_thenItsFieldsKeepTheirMeaning() throws Exception {
        String json = "{\"eventId\":\"" + EVENT + "\",\"type\":\"OPENED\",\"sessionId\":\"" + SESSION + "\","
                + "\"occurredAt\":\"2026-01-02T03:04:05Z\"}";

        ConnectionEvent event = JSON.readValue(json, ConnectionEvent.class);

        assertThat(event.eventId()).isEqualTo(EVENT);
        assertThat(event.type()).isEqualTo(ConnectionEventType.OPENED);
        assertThat(event.occurredAt()).isEqualTo(AT);
        assertThat(event.connectionId()).isNull();
    }

    private static List<String> paths(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream().map(v -> v.getPropertyPath().toString()).toList();
    }
}
