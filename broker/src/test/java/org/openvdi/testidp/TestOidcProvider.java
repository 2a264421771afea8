package org.openvdi.testidp;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * A real OpenID Connect provider for the sign-in tests: Spring Authorization Server, started by the tests as a JVM of
 * its own ({@code java -cp <test class path> org.openvdi.testidp.TestOidcProvider <port> <users file>}). Its issuer
 * is {@code http://127.0.0.1:<port>} (the broker is reached as localhost: cookies of the two stay apart); one confidential client {@code openvdi} (secret {@code openvdi-secret}) must use
 * PKCE and may redirect only to the broker named by {@code broker.base} in the users file. Its users live in a properties file that it reads at every sign-in, so a test changes a user's groups by rewriting it:
 * {@code <user>.password}, {@code <user>.groups} (comma-separated) and optionally {@code <user>.preferred_username}.
 * The ID token and the access token carry {@code groups} and {@code preferred_username}. Besides the broker's
 * client there is {@code other-app}, another application at the same provider, whose access tokens are not meant
 * for the broker. Not part of the product; it lives outside the
 * broker's packages so the broker never scans it.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@Import({PropertyPlaceholderAutoConfiguration.class, ServletWebServerFactoryAutoConfiguration.class,
        DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
        JacksonAutoConfiguration.class})
public class TestOidcProvider {

    public static final String CLIENT_ID = "openvdi";
    public static final String CLIENT_SECRET = "openvdi-secret";
    public static final String OTHER_CLIENT_ID = "other-app";

    public static void main(String[] args) {
        new SpringApplicationBuilder(TestOidcProvider.class).web(WebApplicationType.SERVLET)
                .properties("spring.config.location=optional:file:/nonexistent/", "spring.main.banner-mode=off",
                        "server.port=" + args[0], "testidp.users=" + args[1])
                .run();
    }

    @Bean
    @Order(1)
    SecurityFilterChain authorizationServer(HttpSecurity http) throws Exception {
        OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
        http.securityMatcher(server.getEndpointsMatcher())
                .with(server, s -> s.oidc(Customizer.withDefaults()))
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                // the user-info endpoint takes the access token the provider issued
                .oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
                .exceptionHandling(e -> e.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")));
        return http.build();
    }

    /** The provider's own sign-in form (without CSRF, to keep the tests' form posts short: a test provider only). */
    @Bean
    @Order(2)
    SecurityFilterChain signIn(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    UserDetailsService users(@Value("${testidp.users}") String file) {
        return name -> {
            Properties users = read(file);
            String password = users.getProperty(name + ".password");
            if (password == null) {
                throw new UsernameNotFoundException(name);
            }
            return User.withUsername(name).password("{noop}" + password).roles("USER").build();
        };
    }

    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> claims(@Value("${testidp.users}") String file) {
        return context -> {
            if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())
                    && !OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
                return;
            }
            Properties users = read(file);
            String name = context.getPrincipal().getName();
            String groups = users.getProperty(name + ".groups", "");
            List<String> list = groups.isEmpty() ? List.of() : Arrays.asList(groups.split(","));
            context.getClaims().claim("groups", list);
            context.getClaims().claim("preferred_username", users.getProperty(name + ".preferred_username", name));
        };
    }

    /** The broker's client and another application's, with the broker's address from the users file ({@code broker.base}), read at every lookup. */
    @Bean
    RegisteredClientRepository clients(@Value("${testidp.users}") String file) {
        return new RegisteredClientRepository() {
            @Override
            public void save(RegisteredClient registeredClient) {
                // the provider re-saves a client to upgrade its secret's hash: the client is built anew at each lookup
            }

            @Override
            public RegisteredClient findById(String id) {
                String broker = read(file).getProperty("broker.base", "http://127.0.0.1");
                return CLIENT_ID.equals(id) || OTHER_CLIENT_ID.equals(id) ? client(id, broker) : null;
            }

            @Override
            public RegisteredClient findByClientId(String clientId) {
                return findById(clientId);
            }
        };
    }

    private static RegisteredClient client(String id, String broker) {
        return RegisteredClient.withId(id)
                .clientId(id)
                .clientSecret("{noop}" + CLIENT_SECRET)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(broker + "/login/oauth2/code/oidc")
                .postLogoutRedirectUri(broker + "/login?logout")
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
                .build();
    }

    @Bean
    AuthorizationServerSettings settings(@Value("${server.port}") int port) {
        return AuthorizationServerSettings.builder().issuer("http://127.0.0.1:" + port).build();
    }

    @Bean
    JWKSource<SecurityContext> keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(UUID.randomUUID().toString()).build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    @Bean
    JwtDecoder jwtDecoder(JWKSource<SecurityContext> keys) {
        return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
    }

    private static Properties read(String file) {
        Properties users = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            users.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return users;
    }
}
