package org.openvdi.broker.integrity;

import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.integrity.api.ChainVerdict;
import org.openvdi.broker.integrity.api.EventChainVerifiedEvent;
import org.openvdi.broker.integrity.api.RecordChainVerificationCommand;

class ChainVerificationTest {

    private static final UUID VERIFICATION = UUID.randomUUID();
    private static final RecordChainVerificationCommand INTACT = new RecordChainVerificationCommand(VERIFICATION,
            "audrey", ChainVerdict.INTACT, 1200, 3, null, null);
    private static final EventChainVerifiedEvent VERIFIED_INTACT = new EventChainVerifiedEvent(VERIFICATION, "audrey",
            ChainVerdict.INTACT, 1200, 3, null, null);

    private FixtureConfiguration<ChainVerification> fixture;

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(ChainVerification.class);
    }

    @Test
    void givenNoVerification_whenIntactRecorded_thenVerifiedEventWithAuditorAndCounts() {
        fixture.givenNoPriorActivity().when(INTACT).expectEvents(VERIFIED_INTACT);
    }

    @Test
    void givenNoVerification_whenFindingRecorded_thenVerifiedEventNamesTheEvent() {
        fixture.givenNoPriorActivity()
                .when(new RecordChainVerificationCommand(VERIFICATION, "audrey", ChainVerdict.ALTERED, 7, 1, 42L, "bytes differ"))
                .expectEvents(new EventChainVerifiedEvent(VERIFICATION, "audrey", ChainVerdict.ALTERED, 7, 1, 42L, "bytes differ"));
    }

    @Test
    void givenVerificationRecorded_whenRecordedAgain_thenNothingNew() {
        fixture.given(VERIFIED_INTACT).when(INTACT).expectNoEvents();
    }
}
