package org.openvdi.broker.security;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/** Users, roles and groups from configuration; the gateway's internal account beside them. */
@Component
public class UserDirectory implements UserDetailsService {

    public static final String GATEWAY_USER = "gateway";

    private final Map<String, UserDetails> details = new HashMap<>();
    private final Map<String, Set<String>> groups = new HashMap<>();

    UserDirectory(SecurityProperties properties) {
        for (SecurityProperties.User user : properties.users()) {
            if (user.name() == null || user.password() == null || GATEWAY_USER.equals(user.name())) {
                throw new IllegalStateException("Every configured user needs a name (not 'gateway') and a password hash");
            }
            details.put(user.name(), User.withUsername(user.name()).password(user.password())
                    .roles(user.roles().toArray(String[]::new)).build());
            groups.put(user.name(), Set.copyOf(user.groups()));
        }
        if (properties.gatewaySecret() != null && !properties.gatewaySecret().isBlank()) {
            details.put(GATEWAY_USER, User.withUsername(GATEWAY_USER).password("{noop}" + properties.gatewaySecret())
                    .roles("GATEWAY").build());
        }
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        UserDetails user = details.get(username);
        if (user == null) {
            throw new UsernameNotFoundException("No such user");
        }
        return User.withUserDetails(user).build();
    }

    public Set<String> groupsOf(String userName) {
        return groups.getOrDefault(userName, Set.of());
    }

    public CurrentUser current(Authentication authentication) {
        return new CurrentUser(authentication.getName(),
                roles(authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList()),
                groupsOf(authentication.getName()));
    }

    private static Set<String> roles(List<String> authorities) {
        Set<String> roles = new LinkedHashSet<>();
        authorities.stream().filter(a -> a.startsWith("ROLE_")).forEach(a -> roles.add(a.substring(5)));
        return roles;
    }
}
