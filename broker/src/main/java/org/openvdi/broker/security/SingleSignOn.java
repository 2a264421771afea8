package org.openvdi.broker.security;

import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.HttpSessionOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.web.authentication.logout.LogoutSuccessHandler;
import org.springframework.security.web.authentication.logout.SimpleUrlLogoutSuccessHandler;

/**
 * Sign-in through the OpenID Connect provider: the authorization code flow with PKCE (for confidential clients too),
 * state and nonce checked by Spring Security, the user mapped by {@link OidcUserMapping}, refusals shown by
 * {@link SignInRefusals}. The provider's tokens stay in the person's HTTP session only. Signing out ends the local
 * session first, then sends a provider's user to the provider's {@code end_session_endpoint} (RP-initiated logout),
 * which returns them to the sign-in page. The pages sign out with {@code fetch} and follow the location themselves
 * ({@link LogoutRedirect}).
 */
final class SingleSignOn {

    private static final String SIGNED_OUT = "/login?logout";

    private SingleSignOn() {
    }

    static void configure(HttpSecurity http, OidcProperties oidc, UserDirectory users) throws Exception {
        OidcRegistrations registrations = new OidcRegistrations(oidc);
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(registrations,
                OAuth2AuthorizationRequestRedirectFilter.DEFAULT_AUTHORIZATION_REQUEST_BASE_URI);
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        SignInRefusals refusals = new SignInRefusals();
        http.oauth2Login(login -> login.loginPage("/login")
                .clientRegistrationRepository(registrations)
                .authorizedClientRepository(new HttpSessionOAuth2AuthorizedClientRepository())
                .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(resolver))
                // a provider that cannot be reached: the refusal page (503), not an error
                .withObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
                    @Override
                    public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O filter) {
                        filter.setAuthenticationFailureHandler(refusals);
                        return filter;
                    }
                })
                .userInfoEndpoint(userInfo -> userInfo.oidcUserService(new OidcUserMapping(oidc, users)))
                .defaultSuccessUrl("/", false)
                .failureHandler(refusals));
        http.logout(logout -> logout.logoutSuccessHandler(logoutSuccess(oidc, registrations)));
    }

    /** Where signing out leads when no provider is configured: back to the sign-in page. */
    static LogoutSuccessHandler localLogoutSuccess() {
        SimpleUrlLogoutSuccessHandler local = new SimpleUrlLogoutSuccessHandler();
        local.setDefaultTargetUrl(SIGNED_OUT);
        local.setRedirectStrategy(new LogoutRedirect());
        return local;
    }

    private static LogoutSuccessHandler logoutSuccess(OidcProperties oidc, OidcRegistrations registrations) {
        if (!oidc.singleLogout()) {
            return localLogoutSuccess();
        }
        OidcClientInitiatedLogoutSuccessHandler provider = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        provider.setPostLogoutRedirectUri("{baseUrl}" + SIGNED_OUT);
        provider.setDefaultTargetUrl(SIGNED_OUT);
        provider.setRedirectStrategy(new LogoutRedirect());
        return provider;
    }
}
