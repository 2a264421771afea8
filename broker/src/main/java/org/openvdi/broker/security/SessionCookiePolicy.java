package org.openvdi.broker.security;

import jakarta.servlet.SessionCookieConfig;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.stereotype.Component;

/**
 * The session cookie (JSESSIONID): HttpOnly, SameSite=Lax, and Secure when the broker is served over
 * HTTPS ({@code openvdi.web.secure-cookies}, by default whether {@code openvdi.public-url} is https).
 */
@Component
class SessionCookiePolicy implements ServletContextInitializer {

    static final String SAME_SITE = "Lax";

    private final boolean secure;

    SessionCookiePolicy(WebSecurityProperties properties, PublicUrl publicUrl) {
        this.secure = properties.cookiesSecure(publicUrl);
    }

    boolean secure() {
        return secure;
    }

    @Override
    public void onStartup(jakarta.servlet.ServletContext servletContext) {
        SessionCookieConfig cookie = servletContext.getSessionCookieConfig();
        cookie.setHttpOnly(true);
        cookie.setSecure(secure);
        cookie.setAttribute("SameSite", SAME_SITE);
    }
}
