package org.openvdi.broker.security;

import java.util.Set;

/** The signed-in person as the domain sees them. */
public record CurrentUser(String name, Set<String> roles, Set<String> groups) {

    public boolean isAdmin() {
        return roles.contains("ADMIN");
    }

    public boolean isAuditor() {
        return roles.contains("AUDITOR");
    }

    public boolean canReadEverything() {
        return isAdmin() || isAuditor();
    }
}
