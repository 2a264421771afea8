package org.openvdi.broker.security;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How browsers and proxies reach the broker.
 *
 * @param trustedProxies addresses or CIDR ranges of the reverse proxies whose {@code X-Forwarded-For} is
 *                       believed; none by default, so the connecting address is the client's
 * @param secureCookies  whether cookies carry {@code Secure}; unset: when {@code openvdi.public-url} is https
 */
@ConfigurationProperties("openvdi.web")
record WebSecurityProperties(@DefaultValue List<String> trustedProxies, Boolean secureCookies) {

    WebSecurityProperties {
        trustedProxies = trustedProxies.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    boolean cookiesSecure(PublicUrl publicUrl) {
        return secureCookies != null ? secureCookies : publicUrl.https();
    }
}
