package org.openvdi.broker.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openvdi.broker.security.api.Role;

/** The product roles that a user's groups give, by a list of {@link RoleMapping}s. */
final class GroupRoles {

    private final List<RoleMapping> mappings;

    GroupRoles(List<RoleMapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    Set<Role> of(Collection<String> groups) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (RoleMapping mapping : mappings) {
            if (groups.stream().anyMatch(group -> group.equalsIgnoreCase(mapping.group()))) {
                roles.addAll(mapping.roles());
            }
        }
        return roles;
    }
}
