package org.openvdi.broker.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openvdi.broker.security.api.Role;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/**
 * Turns the provider's verified ID token (and user-info answer) into a broker user: the name from the configured
 * claim, groups from the configured claims, roles from the groups. Refuses (as an OAuth2 error that
 * {@link SignInRefusals} shows) a user without a mapped role, a name that a local user has, and hostile values.
 */
final class OidcUserMapping implements OAuth2UserService<OidcUserRequest, OidcUser> {

    static final String NO_ROLE = "openvdi_no_role";
    static final String UNUSABLE_IDENTITY = "openvdi_unusable_identity";

    private final OidcUserService delegate = new OidcUserService();
    private final OidcProperties properties;
    private final GroupRoles groupRoles;
    private final UserDirectory users;

    OidcUserMapping(OidcProperties properties, UserDirectory users) {
        this.properties = properties;
        this.groupRoles = new GroupRoles(properties.roleMappings());
        this.users = users;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = delegate.loadUser(request);
        Object name = user.getAttributes().get(properties.usernameClaim());
        ExternalIdentity identity;
        try {
            identity = ExternalIdentity.checked(name instanceof String s ? s : null, groups(user));
        } catch (ExternalIdentity.Refused | ClassCastException e) {
            throw refused(UNUSABLE_IDENTITY, "The identity provider sent values the broker does not accept");
        }
        if (users.isLocal(identity.name())) {
            throw refused(UNUSABLE_IDENTITY, "The name belongs to a local user");
        }
        Set<Role> roles = groupRoles.of(identity.groups());
        if (roles.isEmpty()) {
            throw refused(NO_ROLE, "None of the user's groups gives a role in OpenVDI");
        }
        return new DefaultOidcUser(SignInAuthorities.of(roles, identity.groups()), user.getIdToken(), user.getUserInfo(),
                properties.usernameClaim());
    }

    private List<String> groups(OidcUser user) {
        Set<String> groups = new LinkedHashSet<>();
        for (String claim : properties.groupClaims()) {
            Object value = user.getAttributes().get(claim);
            if (value instanceof String single) {
                groups.add(single);
            } else if (value instanceof Collection<?> many) {
                if (many.size() > ExternalIdentity.MAX_GROUPS) {
                    throw new ExternalIdentity.Refused("too many groups");
                }
                for (Object one : many) {
                    groups.add((String) one);
                }
            } else if (value != null) {
                throw new ExternalIdentity.Refused("a group claim is neither a string nor a list");
            }
        }
        return new ArrayList<>(groups);
    }

    private static OAuth2AuthenticationException refused(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, description, null), description);
    }
}
