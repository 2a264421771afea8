package org.openvdi.broker.security;

import java.util.List;
import org.openvdi.broker.security.api.Role;

/**
 * One group of a provider or a directory and the product roles its members get. The group is compared without
 * regard to case: a value of the provider's group claim (a Keycloak group path such as {@code /vdi-admins}, an
 * Entra ID group object id or app role), or the name ({@code cn}) of an LDAP group.
 */
public record RoleMapping(String group, List<Role> roles) {

    public RoleMapping {
        if (group == null || group.isBlank() || roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("A role mapping needs a group and at least one role");
        }
        roles = List.copyOf(roles);
    }
}
