package org.openvdi.broker.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** Remembers the client address Spring Security recorded with each user's latest sign-in attempt. */
class SignInRecorder {

    private final Map<String, String> addresses = new ConcurrentHashMap<>();

    @EventListener
    void on(AbstractAuthenticationEvent event) {
        if (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails details) {
            addresses.put(event.getAuthentication().getName(), details.getRemoteAddress());
        }
    }

    String addressOf(String user) {
        return addresses.get(user);
    }
}
