package org.openvdi.broker.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may do what. API clients use HTTP Basic; people use the sign-in form and a session cookie
 * (with a CSRF token). Admins manage, auditors read, employees use their own sessions.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final RequestMatcher API = request -> {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/") || path.startsWith("/internal/") || path.startsWith("/actuator/");
    };

    private final SecurityProperties properties;

    SecurityConfiguration(SecurityProperties properties) {
        this.properties = properties;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        CsrfTokenRequestAttributeHandler csrfHandler = new CsrfTokenRequestAttributeHandler();
        csrfHandler.setCsrfRequestAttributeName(null);
        http.csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(csrfHandler)
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        .requestMatchers("/login", "/login.html", "/css/**", "/js/**", "/favicon.ico", "/error").permitAll()
                        .requestMatchers("/api/me").authenticated()
                        .requestMatchers("/internal/**").hasRole("GATEWAY")
                        .requestMatchers("/actuator/**").hasAnyRole("ADMIN")
                        .requestMatchers("/api/events/**", "/api/audit/**").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers(HttpMethod.GET, "/api/hosts/**", "/api/templates/**", "/api/desktops/**")
                        .hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers(HttpMethod.GET, "/api/pools/**", "/api/sessions/**")
                        .hasAnyRole("ADMIN", "AUDITOR", "EMPLOYEE")
                        .requestMatchers("/api/sessions/**").hasAnyRole("ADMIN", "EMPLOYEE")
                        .requestMatchers("/api/**").hasRole("ADMIN")
                        .requestMatchers("/admin", "/admin.html", "/admin/**").hasAnyRole("ADMIN", "AUDITOR")
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint((request, response, e) -> {
                    response.setHeader("WWW-Authenticate", "Basic realm=\"openvdi\"");
                    problem(response, 401, "UNAUTHENTICATED", "Sign in first");
                }))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false).permitAll())
                .logout(logout -> logout.logoutRequestMatcher(new AntPathRequestMatcher("/logout", "POST"))
                        .logoutSuccessUrl("/login?logout"))
                .exceptionHandling(ex -> ex
                        .defaultAuthenticationEntryPointFor((request, response, e) -> {
                            response.setHeader("WWW-Authenticate", "Basic realm=\"openvdi\"");
                            problem(response, 401, "UNAUTHENTICATED", "Sign in first");
                        }, API)
                        .defaultAccessDeniedHandlerFor((request, response, e) ->
                                problem(response, 403, "FORBIDDEN", "You are not allowed to do this"), API));
        http.addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class);
        return http.build();
    }

    private static void problem(HttpServletResponse response, int status, String code, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter().write("{\"type\":\"urn:openvdi:problem:" + code.toLowerCase().replace('_', '-')
                + "\",\"title\":\"" + code + "\",\"status\":" + status + ",\"code\":\"" + code
                + "\",\"detail\":\"" + detail + "\"}");
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnAboutDemoLogins() {
        if (properties.demo()) {
            log.warn("DEMO LOGINS ARE ENABLED (password 'demo'): admin (ADMIN), alice and bob (EMPLOYEE, group "
                    + "engineering), audrey (AUDITOR). Never use the demo profile in production.");
        }
    }
}
