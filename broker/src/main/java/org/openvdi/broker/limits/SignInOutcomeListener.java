package org.openvdi.broker.limits;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Counts how sign-ins end, from the events Spring Security publishes for the form and for HTTP Basic alike:
 * a wrong password or an unknown name (both are bad credentials, so nothing tells them apart) is a failure;
 * a success forgets earlier failures of its name. The client address is the one the request came from. A
 * database fault while counting is logged, never turned into a failed request.
 */
@Component
class SignInOutcomeListener {

    private static final Logger log = LoggerFactory.getLogger(SignInOutcomeListener.class);

    private final SignInThrottle throttle;

    SignInOutcomeListener(SignInThrottle throttle) {
        this.throttle = throttle;
    }

    @EventListener
    void failed(AuthenticationFailureBadCredentialsEvent event) {
        try {
            throttle.failed(event.getAuthentication().getName(), address(event.getAuthentication()));
        } catch (RuntimeException e) {
            log.error("Could not count a failed sign-in", e);
        }
    }

    /** Once per sign-in (the form's separate interactive success event is not one of these). */
    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        try {
            throttle.succeeded(event.getAuthentication().getName());
        } catch (RuntimeException e) {
            log.error("Could not forget the failed sign-ins of a user who signed in", e);
        }
    }

    private static String address(Authentication authentication) {
        if (authentication.getDetails() instanceof WebAuthenticationDetails details) {
            return details.getRemoteAddress();
        }
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}
