package org.openvdi.broker.security.api;

/** Where a person's identity and roles came from when they signed in. */
public enum SignInSource {
    /** A user configured in the broker (small sites, break-glass admins). */
    LOCAL,
    /** An OpenID Connect provider (Keycloak, Entra ID, ...): roles mapped from the ID token's claims. */
    OIDC,
    /** An LDAP directory (OpenLDAP, Active Directory): roles mapped from the groups the user is a member of. */
    LDAP
}
