package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.security.api.RecordSignInCommand;
import org.openvdi.broker.security.api.Role;
import org.openvdi.broker.security.api.SignInSource;
import org.openvdi.broker.security.api.UserSignedInEvent;

class UserAccountTest {

    private static final UUID LARA = UserAccount.idOf("lara");
    private static final UserSignedInEvent AS_EMPLOYEE = new UserSignedInEvent(LARA, "lara", SignInSource.LDAP,
            List.of(Role.EMPLOYEE), List.of("engineering"), "192.0.2.7");
    private static final UserSignedInEvent AS_AUDITOR = new UserSignedInEvent(LARA, "lara", SignInSource.LDAP,
            List.of(Role.AUDITOR), List.of("auditors"), "192.0.2.7");

    private FixtureConfiguration<UserAccount> fixture;

    private static RecordSignInCommand record(UserSignedInEvent as) {
        return new RecordSignInCommand(as.accountId(), as.userName(), as.source(), as.roles(), as.groups(),
                as.clientAddress());
    }

    @BeforeEach
    void fixture() {
        fixture = new AggregateTestFixture<>(UserAccount.class);
    }

    @Test
    void givenNoSignInYet_whenSignInRecorded_thenSignedInEventStartsTheAccount() {
        fixture.givenNoPriorActivity().when(record(AS_EMPLOYEE)).expectEvents(AS_EMPLOYEE);
    }

    @Test
    void givenEarlierSignIn_whenTheSameUserSignsInAgain_thenEverySignInIsItsOwnEvent() {
        fixture.given(AS_EMPLOYEE).when(record(AS_EMPLOYEE)).expectEvents(AS_EMPLOYEE);
    }

    @Test
    void givenSignInWithOneGroup_whenTheDirectoryMovedTheUser_thenTheNextSignInCarriesTheNewRoles() {
        fixture.given(AS_EMPLOYEE).when(record(AS_AUDITOR)).expectEvents(AS_AUDITOR);
    }

    @Test
    void givenUserName_whenAccountIdDerived_thenStableAndDifferentPerName() {
        assertThat(UserAccount.idOf("lara")).isEqualTo(LARA).isNotEqualTo(UserAccount.idOf("Lara"));
    }
}
