package org.openvdi.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.security.api.Role;

/** What a provider or a directory may say about a user, and which roles its groups give. */
class ExternalIdentityTest {

    @Test
    void givenOrdinaryValues_whenChecked_thenAccepted() {
        assertThat(ExternalIdentity.checked("zoë.müller@example.com", List.of("/vdi-admins", "CN=Ärzte,OU=Groups", "团队")))
                .extracting(ExternalIdentity::name).isEqualTo("zoë.müller@example.com");
    }

    @Test
    void givenHostileNames_whenChecked_thenRefused() {
        for (String name : List.of("", " ", " lara", "la\u0000ra", "la\nra", "lara\u202Egpj.exe", "la\u200Bra",
                "x".repeat(ExternalIdentity.MAX_NAME + 1), "\uD800lara")) {
            assertThatThrownBy(() -> ExternalIdentity.checked(name, List.of()))
                    .as(name).isInstanceOf(ExternalIdentity.Refused.class);
        }
    }

    @Test
    void givenHostileGroups_whenChecked_thenRefused() {
        for (List<String> groups : List.of(List.of("eng\u202Eineering"), List.of("a\tb"), List.of(""),
                List.of("g".repeat(ExternalIdentity.MAX_GROUP + 1)),
                Collections.nCopies(ExternalIdentity.MAX_GROUPS + 1, "g"))) {
            assertThatThrownBy(() -> ExternalIdentity.checked("lara", groups)).isInstanceOf(ExternalIdentity.Refused.class);
        }
    }

    @Test
    void givenMappings_whenGroupsMatchWithoutRegardToCase_thenTheirRolesTogether() {
        GroupRoles roles = new GroupRoles(List.of(new RoleMapping("engineering", List.of(Role.EMPLOYEE)),
                new RoleMapping("/VDI-Admins", List.of(Role.ADMIN, Role.EMPLOYEE))));
        assertThat(roles.of(List.of("Engineering", "/vdi-admins"))).isEqualTo(Set.of(Role.EMPLOYEE, Role.ADMIN));
        assertThat(roles.of(List.of("sales"))).isEmpty();
    }

    @Test
    void givenMappingWithoutRoles_whenConfigured_thenRefusedAtStart() {
        assertThatThrownBy(() -> new RoleMapping("engineering", List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
