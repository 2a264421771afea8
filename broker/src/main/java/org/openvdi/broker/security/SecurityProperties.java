package org.openvdi.broker.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Users of the broker and the gateway's credential, from configuration.
 *
 * @param users         people who sign in; passwords are bcrypt hashes ({@code {bcrypt}$2a$...})
 * @param gatewaySecret password of the internal user {@code gateway} that redeems connection tokens
 * @param demo          whether these are the demo logins (a warning is printed at start)
 */
@ConfigurationProperties("openvdi.security")
public record SecurityProperties(@DefaultValue List<User> users, String gatewaySecret, @DefaultValue("false") boolean demo) {

    /** One configured user. Roles: EMPLOYEE, ADMIN, AUDITOR. */
    public record User(String name, String password, @DefaultValue List<String> roles, @DefaultValue List<String> groups) {
    }
}
