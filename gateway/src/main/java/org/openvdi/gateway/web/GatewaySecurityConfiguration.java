package org.openvdi.gateway.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.HttpStatusRequestRejectedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;

/**
 * The gateway's HTTP rules. The page, its scripts and the tunnel are open to anyone (the one-time token
 * authorizes a tunnel); health answers anyone with its status only; every other management endpoint
 * (metrics, prometheus, info) wants the management user over HTTP Basic, checked against a bcrypt hash.
 * No sessions and no cookies, hence no CSRF tokens. Every answer carries a Content-Security-Policy without
 * inline script or style, {@code frame-ancestors 'none'}, no referrer (the page's URL carries a token) and
 * {@code nosniff}; refusals go to {@code /error} and answer problem+json.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class GatewaySecurityConfiguration {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; media-src 'self' blob:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    static final String MANAGEMENT_ROLE = "MANAGEMENT";
    private static final Logger log = LoggerFactory.getLogger(GatewaySecurityConfiguration.class);

    @Bean
    SecurityFilterChain gatewaySecurity(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
                        .requestMatchers(EndpointRequest.toAnyEndpoint()).hasRole(MANAGEMENT_ROLE)
                        .anyRequest().permitAll())
                .httpBasic(basic -> basic.realmName("openvdi-gateway"))
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                        .contentTypeOptions(options -> { })
                        // the page says no-store itself; scripts and styles may be cached
                        .cacheControl(cache -> cache.disable()));
        return http.build();
    }

    /** A path the firewall refuses (encoded slashes, dot segments, ...) answers 400 problem+json, not 500. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return new HttpStatusRequestRejectedHandler();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    /** The one management user, or nobody at all when no hash is configured (never a generated password). */
    @Bean
    UserDetailsService managementUsers(GatewayWebSettings settings) {
        if (settings.managementPasswordHash() == null) {
            log.warn("openvdi.gateway.management-password-hash is not set: metrics, prometheus and info are closed "
                    + "to everyone; health still answers");
            return new InMemoryUserDetailsManager();
        }
        return new InMemoryUserDetailsManager(User.withUsername(settings.managementUser())
                .password(settings.managementPasswordHash()).roles(MANAGEMENT_ROLE).build());
    }
}
