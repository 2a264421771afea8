package org.openvdi.broker.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * The page a person sees when a sign-in through the identity provider fails: 403 when none of their groups gives a
 * role, 400 when the provider sent values the broker refuses, 503 when the provider cannot be reached, and 401 for a
 * sign-in that was not ours to finish (a tampered or replayed state, a wrong nonce, a refused code). The texts are
 * fixed: nothing the provider or the request sent is echoed.
 */
final class SignInRefusals implements AuthenticationFailureHandler {

    private static final Logger log = LoggerFactory.getLogger(SignInRefusals.class);

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        String code = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError().getErrorCode() : "";
        HttpStatus status;
        String message;
        if (OidcUserMapping.NO_ROLE.equals(code)) {
            status = HttpStatus.FORBIDDEN;
            message = "You signed in, but none of your groups gives you access to OpenVDI. Ask your administrator "
                    + "to add you to a group for desktop users, administrators or auditors.";
        } else if (OidcUserMapping.UNUSABLE_IDENTITY.equals(code)) {
            status = HttpStatus.BAD_REQUEST;
            message = "The identity provider sent a user name or groups that OpenVDI does not accept.";
        } else if (causedByUnavailableProvider(exception)) {
            status = HttpStatus.SERVICE_UNAVAILABLE;
            message = "The identity provider cannot be reached. Try again later, or sign in with a local account.";
        } else {
            status = HttpStatus.UNAUTHORIZED;
            message = "The sign-in could not be completed. Start again from the sign-in page.";
        }
        log.info("Single sign-on refused ({}): {}", status.value(), exception.getMessage());
        response.setStatus(status.value());
        response.setContentType(MediaType.TEXT_HTML_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Sign-in refused · OpenVDI</title>
                <link rel="stylesheet" href="/css/app.css"></head>
                <body><header><h1>OpenVDI</h1></header><main><div class="card login">
                <h3>Sign-in refused</h3><p class="error" id="refused">%s</p>
                <p><a href="/login">Back to the sign-in page</a></p></div></main></body></html>
                """.formatted(message));
    }

    private static boolean causedByUnavailableProvider(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OidcRegistrations.OidcProviderUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
