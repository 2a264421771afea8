package org.openvdi.broker.security;

import java.util.List;
import java.util.Map;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.openvdi.broker.security.api.RecordSignInCommand;
import org.openvdi.broker.security.api.SignInSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.ldap.userdetails.LdapUserDetails;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Records every interactive sign-in (the sign-in page, a provider's redirect back) as a {@link RecordSignInCommand},
 * with its source, roles, groups and client address: the audit's security log shows it, and a provider's or
 * directory's user's API tokens act with these roles until the next sign-in. Requests with HTTP Basic or an API token
 * are not sign-ins of their own. A failure to record is logged; it does not undo the sign-in.
 */
@Component
class SignInRecording {

    private static final Logger log = LoggerFactory.getLogger(SignInRecording.class);

    private final CommandGateway commands;
    private final UserDirectory users;

    SignInRecording(CommandGateway commands, UserDirectory users) {
        this.commands = commands;
        this.users = users;
    }

    @EventListener
    void on(InteractiveAuthenticationSuccessEvent event) {
        Authentication who = event.getAuthentication();
        SignInSource source = sourceOf(who);
        CurrentUser user = users.current(who);
        List<String> groups = List.copyOf(user.groups());
        String address = who.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
        RecordSignInCommand command = new RecordSignInCommand(UserAccount.idOf(who.getName()), who.getName(), source,
                SignInAuthorities.roles(who.getAuthorities()), groups, address);
        try {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(Map.of("user", who.getName())));
        } catch (RuntimeException e) {
            log.error("Could not record the sign-in of {}", who.getName(), e);
        }
    }

    static SignInSource sourceOf(Authentication who) {
        if (who instanceof OAuth2AuthenticationToken) {
            return SignInSource.OIDC;
        }
        if (who.getPrincipal() instanceof LdapUserDetails) {
            return SignInSource.LDAP;
        }
        return SignInSource.LOCAL;
    }
}
