package org.openvdi.broker.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openvdi.broker.security.api.Role;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The authorities of a signed-in user: {@code ROLE_} for each role, {@code GROUP_} for each group. */
final class SignInAuthorities {

    private SignInAuthorities() {
    }

    static List<GrantedAuthority> of(Collection<Role> roles, Collection<String> groups) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        roles.forEach(role -> authorities.add(new SimpleGrantedAuthority("ROLE_" + role.name())));
        groups.forEach(group -> authorities.add(new SimpleGrantedAuthority(UserDirectory.GROUP_PREFIX + group)));
        return authorities;
    }

    static Set<String> groups(Collection<String> authorities) {
        Set<String> groups = new LinkedHashSet<>();
        authorities.stream().filter(a -> a.startsWith(UserDirectory.GROUP_PREFIX))
                .forEach(a -> groups.add(a.substring(UserDirectory.GROUP_PREFIX.length())));
        return groups;
    }

    static List<Role> roles(Collection<? extends GrantedAuthority> authorities) {
        List<Role> roles = new ArrayList<>();
        for (GrantedAuthority authority : authorities) {
            for (Role role : Role.values()) {
                if (authority.getAuthority().equals("ROLE_" + role.name())) {
                    roles.add(role);
                }
            }
        }
        return roles;
    }
}
