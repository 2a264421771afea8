package org.openvdi.broker.security;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.openvdi.broker.security.api.Role;
import org.springframework.ldap.core.DirContextOperations;
import org.springframework.security.authentication.AccountStatusException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.ldap.DefaultSpringSecurityContextSource;
import org.springframework.security.ldap.authentication.BindAuthenticator;
import org.springframework.security.ldap.authentication.LdapAuthenticationProvider;
import org.springframework.security.ldap.search.FilterBasedLdapUserSearch;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;
import org.springframework.security.ldap.userdetails.LdapAuthoritiesPopulator;
import org.springframework.security.ldap.userdetails.NestedLdapAuthoritiesPopulator;

/**
 * Checks a password by binding to the LDAP directory as the user, then finds the user's groups (nested ones too, when
 * configured) and maps them to roles. Names of local users never reach the directory. A user whose groups give no
 * role is refused with {@link NoRoleException}; names and groups with control or bidi characters are refused.
 */
final class DirectoryAuthentication implements AuthenticationProvider {

    private final LdapAuthenticationProvider ldap;
    private final UserDirectory users;

    DirectoryAuthentication(LdapProperties properties, UserDirectory users) {
        this.users = users;
        DefaultSpringSecurityContextSource context = new DefaultSpringSecurityContextSource(properties.url());
        if (properties.managerDn() != null && !properties.managerDn().isBlank()) {
            context.setUserDn(properties.managerDn());
            context.setPassword(properties.managerPassword() == null ? "" : properties.managerPassword());
        }
        context.afterPropertiesSet();
        BindAuthenticator authenticator = new BindAuthenticator(context);
        if (properties.userDnPattern() != null && !properties.userDnPattern().isBlank()) {
            authenticator.setUserDnPatterns(new String[] {properties.userDnPattern()});
        }
        if (properties.userSearchFilter() != null && !properties.userSearchFilter().isBlank()) {
            authenticator.setUserSearch(new FilterBasedLdapUserSearch(properties.userSearchBase(),
                    properties.userSearchFilter(), context));
        }
        DefaultLdapAuthoritiesPopulator groups;
        if (properties.nestedGroups()) {
            NestedLdapAuthoritiesPopulator nested = new NestedLdapAuthoritiesPopulator(context, properties.groupSearchBase());
            nested.setMaxSearchDepth(properties.maxNestingDepth());
            groups = nested;
        } else {
            groups = new DefaultLdapAuthoritiesPopulator(context, properties.groupSearchBase());
        }
        groups.setGroupSearchFilter(properties.groupSearchFilter());
        groups.setGroupRoleAttribute(properties.groupNameAttribute());
        groups.setRolePrefix("");
        groups.setConvertToUpperCase(false);
        groups.setSearchSubtree(true);
        groups.setIgnorePartialResultException(true);
        this.ldap = new LdapAuthenticationProvider(authenticator,
                new MappedGroups(groups, new GroupRoles(properties.roleMappings())));
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String name = authentication.getName();
        if (users.isLocal(name)) {
            return null;
        }
        if (!ExternalIdentity.printable(name) || name.isBlank() || name.length() > ExternalIdentity.MAX_NAME) {
            throw new BadCredentialsException("Unusable user name");
        }
        return ldap.authenticate(authentication);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** The directory's groups of a user, checked, as {@code GROUP_} authorities beside the roles they give. */
    private record MappedGroups(LdapAuthoritiesPopulator groups, GroupRoles roles) implements LdapAuthoritiesPopulator {

        @Override
        public Collection<? extends GrantedAuthority> getGrantedAuthorities(DirContextOperations user, String name) {
            List<String> names = groups.getGrantedAuthorities(user, name).stream()
                    .map(GrantedAuthority::getAuthority).distinct().toList();
            ExternalIdentity identity;
            try {
                identity = ExternalIdentity.checked(name, names);
            } catch (ExternalIdentity.Refused e) {
                throw new BadCredentialsException("The directory sent values the broker does not accept");
            }
            Set<Role> mapped = roles.of(identity.groups());
            if (mapped.isEmpty()) {
                throw new NoRoleException();
            }
            return SignInAuthorities.of(mapped, identity.groups());
        }
    }

    /** The password was right, but none of the user's groups gives a role. */
    static final class NoRoleException extends AccountStatusException {
        NoRoleException() {
            super("None of the user's groups gives a role in OpenVDI");
        }
    }
}
