package org.openvdi.broker.apitoken;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.apitoken.api.ApiTokenIssuedEvent;
import org.openvdi.broker.apitoken.api.ApiTokenRevokedEvent;
import org.openvdi.broker.apitoken.api.IssueApiTokenCommand;
import org.openvdi.broker.apitoken.api.RevokeApiTokenCommand;

/** Issuing and revoking an API token. */
class ApiTokenTest {

    private static final UUID TOKEN = UUID.fromString("00000000-0000-0000-0000-00000000a011");
    private static final Instant EXPIRES = Instant.parse("2026-12-01T18:00:00Z");
    private static final String HASH = "a".repeat(64);
    private static final ApiTokenIssuedEvent ISSUED = new ApiTokenIssuedEvent(TOKEN, "alice", "nightly report", HASH, EXPIRES);

    private FixtureConfiguration<ApiToken> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ApiToken.class);
    }

    @Test
    void givenNothing_whenIssued_thenIssuedWithItsHashAndExpiry() {
        fixture.givenNoPriorActivity()
                .when(new IssueApiTokenCommand(TOKEN, "alice", "nightly report", HASH, EXPIRES), Map.of("user", "alice"))
                .expectEvents(ISSUED);
    }

    @Test
    void givenIssued_whenTheOwnerRevokes_thenRevokedByTheOwner() {
        fixture.given(ISSUED)
                .when(new RevokeApiTokenCommand(TOKEN), Map.of("user", "alice"))
                .expectEvents(new ApiTokenRevokedEvent(TOKEN, "alice", "alice"));
    }

    @Test
    void givenIssued_whenAnAdminRevokes_thenRevokedByTheAdmin() {
        fixture.given(ISSUED)
                .when(new RevokeApiTokenCommand(TOKEN), Map.of("user", "admin"))
                .expectEvents(new ApiTokenRevokedEvent(TOKEN, "alice", "admin"));
    }

    @Test
    void givenRevoked_whenRevokedAgain_thenNothingHappens() {
        fixture.given(ISSUED, new ApiTokenRevokedEvent(TOKEN, "alice", "alice"))
                .when(new RevokeApiTokenCommand(TOKEN), Map.of("user", "alice"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void givenNoToken_whenRevoked_thenNotFound() {
        fixture.givenNoPriorActivity()
                .when(new RevokeApiTokenCommand(TOKEN), Map.of("user", "alice"))
                .expectException(AggregateNotFoundException.class)
                .expectNoEvents();
    }
}
