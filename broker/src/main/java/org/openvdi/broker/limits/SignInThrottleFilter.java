package org.openvdi.broker.limits;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.openvdi.broker.error.BrokerException;
import org.openvdi.broker.error.ErrorCode;
import org.openvdi.broker.security.BasicCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;

/**
 * Refuses sign-in attempts while their user name or client address is banned, before Spring Security
 * checks the password, so that a ban holds even against the right password. Sign-ins are the form's
 * {@code POST /login} and every request with HTTP Basic credentials, read
 * as Spring Security reads them ({@link BasicCredentials}). A refused API request answers
 * 429 SIGN_IN_THROTTLED (problem+json, through the one place that writes problems) with
 * {@code Retry-After}; a refused form sign-in goes back to the sign-in page as {@code /login?throttled},
 * which tells the person to wait, also with {@code Retry-After}. Refused attempts are not counted.
 */
class SignInThrottleFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(SignInThrottleFilter.class);

    private final SignInThrottle throttle;
    private final HandlerExceptionResolver problems;

    SignInThrottleFilter(SignInThrottle throttle, HandlerExceptionResolver problems) {
        this.throttle = throttle;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean form = isFormSignIn(request);
        Optional<String> name = form ? Optional.of(formName(request)) : BasicCredentials.userName(request);
        Optional<Long> refusal = name.flatMap(n -> throttle.refusal(n, request.getRemoteAddr()));
        if (refusal.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        log.debug("Sign-in refused for {} s from {}", refusal.get(), request.getRemoteAddr());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(refusal.get()));
        if (form) {
            response.sendRedirect(request.getContextPath() + "/login?throttled");
            return;
        }
        BrokerException throttled = new BrokerException(ErrorCode.SIGN_IN_THROTTLED,
                "Too many failed sign-ins; try again in " + refusal.get() + " s");
        if (problems.resolveException(request, response, null, throttled) == null) {
            response.sendError(ErrorCode.SIGN_IN_THROTTLED.httpStatus());
        }
    }

    private static boolean isFormSignIn(HttpServletRequest request) {
        return "POST".equals(request.getMethod())
                && "/login".equals(request.getRequestURI().substring(request.getContextPath().length()));
    }

    /** The name as Spring Security's form sign-in reads it (trimmed). */
    private static String formName(HttpServletRequest request) {
        String name = request.getParameter("username");
        return name == null ? "" : name.trim();
    }
}
