package org.openvdi.broker.security;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Component;

/**
 * Local users, roles and groups from configuration, the gateway's internal account beside them, and the users of an
 * OpenID Connect provider or an LDAP directory as of their latest sign-in. A provider's or directory's user carries
 * its groups as {@link #GROUP_PREFIX} authorities; a local user's groups are those configured.
 */
@Component
public class UserDirectory implements UserDetailsService {

    public static final String GATEWAY_USER = "gateway";
    /** Authorities that carry a provider's or directory's group (never checked as roles). */
    static final String GROUP_PREFIX = "GROUP_";

    private final Map<String, UserDetails> details = new HashMap<>();
    private final Map<String, Set<String>> groups = new HashMap<>();
    private final SignedInUsers signedIn;

    UserDirectory(SecurityProperties properties, SignedInUsers signedIn) {
        this.signedIn = signedIn;
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

    /** Whether {@code userName} is configured here (or is the gateway): no provider or directory may sign in as it. */
    boolean isLocal(String userName) {
        return details.containsKey(userName) || GATEWAY_USER.equals(userName);
    }

    /**
     * The user an API token acts as, with their roles as they are now: a local user as configured, a provider's or
     * directory's user as of their latest sign-in. Never the gateway.
     */
    Optional<UserDetails> forToken(String userName) {
        if (GATEWAY_USER.equals(userName)) {
            return Optional.empty();
        }
        UserDetails local = details.get(userName);
        if (local != null) {
            return Optional.of(User.withUserDetails(local).build());
        }
        return signedIn.find(userName).map(known -> User.withUsername(known.name()).password("")
                .authorities(SignInAuthorities.of(known.roles(), known.groups())).build());
    }

    public CurrentUser current(Authentication authentication) {
        List<String> authorities = authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).toList();
        Set<String> groupsOfUser = details.containsKey(authentication.getName()) ? groupsOf(authentication.getName())
                : SignInAuthorities.groups(authorities);
        return new CurrentUser(authentication.getName(), roles(authorities), groupsOfUser);
    }

    private static Set<String> roles(List<String> authorities) {
        Set<String> roles = new LinkedHashSet<>();
        authorities.stream().filter(a -> a.startsWith("ROLE_")).forEach(a -> roles.add(a.substring(5)));
        return roles;
    }
}
