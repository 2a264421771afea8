package org.openvdi.broker.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
        Mapped mapped;
        try {
            mapped = mapped(user.getAttributes());
        } catch (Unmapped e) {
            throw refused(e.code, e.getMessage());
        }
        return new DefaultOidcUser(SignInAuthorities.of(mapped.roles(), mapped.identity().groups()), user.getIdToken(),
                user.getUserInfo(), properties.usernameClaim());
    }

    /** A provider's user as the broker knows them: the checked identity and the roles its groups give. */
    record Mapped(ExternalIdentity identity, Set<Role> roles) {
    }

    /** Why a provider's claims give no broker user: {@link #code} is the OAuth2 error code shown to the user. */
    static final class Unmapped extends RuntimeException {
        final String code;

        Unmapped(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * The broker user that a provider's claims (an ID token with its user-info answer, or an access token) name:
     * the name from the configured claim, groups from the configured claims, roles from the groups.
     */
    Mapped mapped(Map<String, Object> claims) {
        ExternalIdentity identity;
        try {
            identity = ExternalIdentity.checked(claims.get(properties.usernameClaim()) instanceof String s ? s : null,
                    groups(claims));
        } catch (ExternalIdentity.Refused | ClassCastException e) {
            throw new Unmapped(UNUSABLE_IDENTITY, "The identity provider sent values the broker does not accept");
        }
        if (users.isLocal(identity.name())) {
            throw new Unmapped(UNUSABLE_IDENTITY, "The name belongs to a local user");
        }
        Set<Role> roles = groupRoles.of(identity.groups());
        if (roles.isEmpty()) {
            throw new Unmapped(NO_ROLE, "None of the user's groups gives a role in OpenVDI");
        }
        return new Mapped(identity, roles);
    }

    private List<String> groups(Map<String, Object> claims) {
        Set<String> groups = new LinkedHashSet<>();
        for (String claim : properties.groupClaims()) {
            Object value = claims.get(claim);
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
