package org.openvdi.broker.limits;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.limits.api.RecordSignInThrottledCommand;
import org.openvdi.broker.limits.api.SignInThrottledEvent;
import org.openvdi.broker.limits.api.ThrottledSubject;

class SignInGuardTest {

    private static final UUID GUARD = SignInGuard.idOf(ThrottledSubject.CLIENT_ADDRESS, "192.0.2.7");
    private static final Instant UNTIL = Instant.parse("2030-01-01T10:05:00Z");
    private static final Instant LATER = UNTIL.plusSeconds(600);
    private static final String MALLORY = LimitCounters.nameKey("mallory");
    private static final SignInThrottledEvent BANNED = banned(UNTIL);

    private FixtureConfiguration<SignInGuard> fixture;

    private static RecordSignInThrottledCommand record(Instant until) {
        return new RecordSignInThrottledCommand(GUARD, ThrottledSubject.CLIENT_ADDRESS, MALLORY, "192.0.2.7", 5, until);
    }

    private static SignInThrottledEvent banned(Instant until) {
        return new SignInThrottledEvent(GUARD, ThrottledSubject.CLIENT_ADDRESS, MALLORY, "192.0.2.7", 5, until);
    }

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(SignInGuard.class);
    }

    @Test
    void givenNoBanYet_whenBanRecorded_thenThrottledEventWithTheNewGuard() {
        fixture.givenNoPriorActivity().when(record(UNTIL)).expectEvents(BANNED);
    }

    @Test
    void givenBanRecorded_whenTheSameBanIsRecordedAgain_thenNothingNew() {
        fixture.given(BANNED).when(record(UNTIL)).expectNoEvents();
    }

    @Test
    void givenBanRecorded_whenAnEarlierBanArrivesLate_thenNothingNew() {
        fixture.given(BANNED).when(record(UNTIL.minusSeconds(60))).expectNoEvents();
    }

    @Test
    void givenEarlierBan_whenANewBanStarts_thenItIsRecordedToo() {
        fixture.given(BANNED).when(record(LATER)).expectEvents(banned(LATER));
    }

    @Test
    void givenSameSubject_whenGuardIdDerived_thenStableAndDifferentPerSubjectKind() {
        org.assertj.core.api.Assertions.assertThat(SignInGuard.idOf(ThrottledSubject.CLIENT_ADDRESS, "192.0.2.7"))
                .isEqualTo(GUARD).isNotEqualTo(SignInGuard.idOf(ThrottledSubject.USER_NAME, "192.0.2.7"));
    }
}
