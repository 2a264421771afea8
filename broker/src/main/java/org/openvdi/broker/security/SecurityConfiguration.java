package org.openvdi.broker.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.openvdi.broker.error.ErrorCode;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.openvdi.broker.web.BrowserNavigation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.AntPathRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may do what. API clients use HTTP Basic, sent with every request (the broker never challenges, so
 * browsers never prompt for or cache a password); people use the sign-in form and a session cookie
 * with a CSRF token. Only a request with Basic credentials and no session may skip the token, and
 * {@link CrossSiteWriteFilter} keeps other sites' writes out even then. Admins manage, auditors read,
 * employees use their own sessions.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    /** No inline script or style; the pages talk to the broker only and open the gateway as a new page. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'; object-src 'none'";
    /** Swagger UI injects its own style element: it alone may apply inline styles (never inline script). */
    static final String SWAGGER_UI_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'",
            "style-src 'self' 'unsafe-inline'");
    private static final RequestMatcher SWAGGER_UI = new OrRequestMatcher(new AntPathRequestMatcher("/swagger-ui/**"),
            new AntPathRequestMatcher("/swagger-ui.html"));
    private static final RequestMatcher API = request -> {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/") || path.startsWith("/internal/") || path.startsWith("/actuator/");
    };

    private final SecurityProperties properties;
    private final SecurityProblems problems;
    private final OidcProperties oidc;
    private final LdapProperties ldap;

    SecurityConfiguration(SecurityProperties properties, SecurityProblems problems, OidcProperties oidc,
                          LdapProperties ldap) {
        this.properties = properties;
        this.problems = problems;
        this.oidc = oidc;
        this.ldap = ldap;
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /**
     * No observation (timer and scope) around each of Spring Security's filters and decisions: on a session request it
     * was a few percent of the broker's CPU (README.md, "Logon storm"). Each request's own {@code http.server.requests}
     * metric stays.
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    PublicUrl publicUrl(@Value("${openvdi.public-url:}") String url) {
        return PublicUrl.of(url);
    }

    /** URLs the firewall refuses (double slashes, encoded dots, semicolons) get a 400 problem, never an exception text. */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) ->
                problems.write(response, ErrorCode.VALIDATION_FAILED, "The request URL is not allowed");
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http, PublicUrl publicUrl, SessionCookiePolicy cookies,
                                           BearerTokens bearerTokens, UserDirectory users, PasswordEncoder passwords,
                                           AuthenticationEventPublisher signInEvents) throws Exception {
        ApiTokenCsrfHandler csrfHandler = new ApiTokenCsrfHandler();
        CookieCsrfTokenRepository csrfCookie = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfCookie.setCookieCustomizer(cookie -> {
            cookie.sameSite(SessionCookiePolicy.SAME_SITE);
            if (cookies.secure()) {
                cookie.secure(true);
            }
        });
        AuthenticationEntryPoint unauthenticated = (request, response, e) ->
                problems.write(response, ErrorCode.UNAUTHENTICATED, "Sign in first");
        AccessDeniedHandler denied = (request, response, e) -> {
            if (e instanceof CsrfException && !signedIn()) {
                problems.write(response, ErrorCode.UNAUTHENTICATED, "Sign in first");
            } else if (e instanceof CsrfException) {
                problems.write(response, ErrorCode.FORBIDDEN, "The request lacks a valid CSRF token (X-XSRF-TOKEN)");
            } else if (BrowserNavigation.wantsPage(request)) {
                // a person's browser opening a page that is not theirs: the container's error page, which is HTML
                response.sendError(HttpServletResponse.SC_FORBIDDEN);
            } else {
                problems.write(response, ErrorCode.FORBIDDEN, "You are not allowed to do this");
            }
        };
        http.csrf(csrf -> csrf.csrfTokenRepository(csrfCookie)
                        .csrfTokenRequestHandler(csrfHandler)
                        .ignoringRequestMatchers(SecurityConfiguration::apiClientWithoutSession))
                .authorizeHttpRequests(auth -> auth
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/actuator/info").permitAll()
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html").permitAll()
                        .requestMatchers("/login", "/login.html", "/login/options", "/css/**", "/js/**", "/favicon.ico",
                                "/error").permitAll()
                        .requestMatchers("/oauth2/authorization/**", "/login/oauth2/code/**").permitAll()
                        .requestMatchers("/api/me").authenticated()
                        .requestMatchers("/internal/**").hasRole("GATEWAY")
                        .requestMatchers("/actuator/**").hasAnyRole("ADMIN")
                        .requestMatchers("/api/audit/verify").hasRole("AUDITOR")
                        // audit answers: auditors only; an admin reads the changes they made (auditlog/AuditController)
                        .requestMatchers(HttpMethod.GET, "/api/audit/changes").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers("/api/audit/sessions/**", "/api/audit/desktops/**", "/api/audit/users/**",
                                "/api/audit/security/**", "/api/audit/changes/**").hasRole("AUDITOR")
                        .requestMatchers("/audit", "/audit.html").hasRole("AUDITOR")
                        .requestMatchers("/api/events/**", "/api/audit/**").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers("/api/recordings", "/api/recordings/**", "/recordings.html").hasRole("AUDITOR")
                        .requestMatchers(HttpMethod.GET, "/api/hosts/**", "/api/templates/**", "/api/desktops/**")
                        .hasAnyRole("ADMIN", "AUDITOR")
                        // demand, forecast and backtests are the operators' business: admins, and auditors reading
                        .requestMatchers(HttpMethod.GET, "/api/pools/*/forecast",
                                "/api/pools/*/backtests", "/api/pools/*/backtests/**").hasAnyRole("ADMIN", "AUDITOR")
                        .requestMatchers(HttpMethod.GET, "/api/pools/**", "/api/sessions/**")
                        .hasAnyRole("ADMIN", "AUDITOR", "EMPLOYEE")
                        .requestMatchers("/api/sessions/**").hasAnyRole("ADMIN", "EMPLOYEE")
                        .requestMatchers("/api/tokens", "/api/tokens/**").hasAnyRole("ADMIN", "AUDITOR", "EMPLOYEE")
                        .requestMatchers("/api/**").hasRole("ADMIN")
                        .requestMatchers("/admin", "/admin.html", "/admin/**").hasAnyRole("ADMIN", "AUDITOR")
                        .anyRequest().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false)
                        .failureHandler(SecurityConfiguration::formSignInFailed).permitAll())
                .logout(logout -> logout.logoutRequestMatcher(new AntPathRequestMatcher("/logout", "POST"))
                        .logoutSuccessHandler(SingleSignOn.localLogoutSuccess()))
                .headers(headers -> headers
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(SWAGGER_UI,
                                new StaticHeadersWriter("Content-Security-Policy", SWAGGER_UI_POLICY)))
                        .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(new NegatedRequestMatcher(SWAGGER_UI),
                                new StaticHeadersWriter("Content-Security-Policy", CONTENT_SECURITY_POLICY)))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                        .frameOptions(frame -> frame.deny()))
                .exceptionHandling(ex -> ex
                        .defaultAuthenticationEntryPointFor(unauthenticated, API)
                        .defaultAccessDeniedHandlerFor(denied, API));
        if (ldap.enabled()) {
            DaoAuthenticationProvider local = new DaoAuthenticationProvider(passwords);
            local.setUserDetailsService(users);
            ProviderManager localThenDirectory = new ProviderManager(local, new DirectoryAuthentication(ldap, users));
            localThenDirectory.setAuthenticationEventPublisher(signInEvents);
            http.authenticationManager(localThenDirectory);
        }
        if (oidc.enabled()) {
            SingleSignOn.configure(http, oidc, users);
        }
        Optional<ProviderAccessTokens> accessTokens = oidc.enabled() && oidc.accessTokens()
                ? Optional.of(new ProviderAccessTokens(oidc, users)) : Optional.empty();
        http.addFilterBefore(new BearerTokenFilter(bearerTokens, users, problems, accessTokens),
                BasicAuthenticationFilter.class);
        http.addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class);
        http.addFilterBefore(new CrossSiteWriteFilter(problems, publicUrl), AuthorizationFilter.class);
        return http.build();
    }

    /**
     * Basic credentials or an API token, and no session: an API client, which may write without a CSRF token (a
     * browser never adds either to a cross-site request by itself).
     */
    private static boolean apiClientWithoutSession(HttpServletRequest request) {
        return (BasicCredentials.present(request) || BearerTokenFilter.present(request))
                && request.getRequestedSessionId() == null;
    }

    /** A wrong password goes back to the sign-in page; a right one without any role says so there. */
    private static void formSignInFailed(HttpServletRequest request, HttpServletResponse response,
                                         AuthenticationException failure) throws IOException {
        String reason = failure instanceof DirectoryAuthentication.NoRoleException ? "norole" : "error";
        response.sendRedirect(request.getContextPath() + "/login?" + reason);
    }

    private static boolean signedIn() {
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        return who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnAboutDemoLogins() {
        if (properties.demo()) {
            log.warn("DEMO LOGINS ARE ENABLED (password 'demo'): admin (ADMIN), alice and bob (EMPLOYEE, group "
                    + "engineering), audrey (AUDITOR). Never use the demo profile in production.");
        }
    }
}
