package org.openvdi.broker.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in with the password of an LDAP directory (OpenLDAP, Active Directory, ...) on the sign-in page and with HTTP
 * Basic: the broker binds as the user, then searches the user's groups and maps them to roles. Off by default; local
 * users are always checked first and their names never reach the directory.
 *
 * @param enabled           whether passwords are also checked against the directory
 * @param url               the directory's URL with its base DN, e.g. {@code ldaps://dc1.example.com:636/dc=example,dc=com}
 * @param managerDn         the DN the broker binds as to search users and groups (empty: anonymous searches)
 * @param managerPassword   its password
 * @param userDnPattern     the pattern of a user's DN relative to the base, {@code {0}} for the name, e.g.
 *                          {@code uid={0},ou=people} (one string: a list property would split it at its commas)
 * @param userSearchBase    where to search users when no pattern is given, relative to the base (e.g. {@code ou=people})
 * @param userSearchFilter  the user search filter, e.g. {@code (sAMAccountName={0})} for Active Directory
 * @param groupSearchBase   where to search groups, relative to the base (e.g. {@code ou=groups})
 * @param groupSearchFilter the group search filter: {@code {0}} is the user's DN, {@code {1}} the user name; for nested
 *                          groups in Active Directory {@code (member:1.2.840.113556.1.4.1941:={0})}
 * @param groupNameAttribute the group attribute that names it in {@link #roleMappings} (usually {@code cn})
 * @param nestedGroups      whether to follow groups that are members of groups (for directories without a matching rule)
 * @param maxNestingDepth   how deep nested groups are followed
 * @param roleMappings      which groups give which product roles; a user with none of them is refused
 */
@ConfigurationProperties("openvdi.security.ldap")
record LdapProperties(@DefaultValue("false") boolean enabled,
                      String url,
                      String managerDn,
                      String managerPassword,
                      String userDnPattern,
                      @DefaultValue("") String userSearchBase,
                      String userSearchFilter,
                      @DefaultValue("") String groupSearchBase,
                      @DefaultValue("(member={0})") String groupSearchFilter,
                      @DefaultValue("cn") String groupNameAttribute,
                      @DefaultValue("false") boolean nestedGroups,
                      @DefaultValue("5") int maxNestingDepth,
                      @DefaultValue List<RoleMapping> roleMappings) {

    LdapProperties {
        if (enabled && (url == null || url.isBlank())) {
            throw new IllegalStateException("openvdi.security.ldap needs a url when enabled");
        }
        if (enabled && (userDnPattern == null || userDnPattern.isBlank())
                && (userSearchFilter == null || userSearchFilter.isBlank())) {
            throw new IllegalStateException("openvdi.security.ldap needs a user-dn-pattern or a user-search-filter");
        }
        if (enabled && roleMappings.isEmpty()) {
            throw new IllegalStateException("openvdi.security.ldap needs role-mappings when enabled: nobody could sign in");
        }
    }
}
