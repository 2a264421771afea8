package org.openvdi.broker.security;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.openvdi.broker.testsupport.WebClient.Answer;

/**
 * The browser side of the authorization code flow without a browser: an HTTP client with one cookie jar for the
 * broker (localhost) and the provider (127.0.0.1) that follows the redirects one at a time, so a test can look at
 * or change each step (the state, the code) before taking it.
 */
final class OidcBrowser {

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String broker;
    private final String issuer;

    OidcBrowser(String broker, String issuer) {
        this.broker = broker;
        this.issuer = issuer;
    }

    /** Starts a sign-in at the broker; answers the broker's redirect to the provider's authorization endpoint. */
    Answer start() {
        return get(broker + "/oauth2/authorization/oidc", Map.of());
    }

    /**
     * Goes to the provider's authorization URL, signs in there when it asks (its form), and answers the URL the
     * provider sends the browser back to the broker with (code and state).
     */
    String authorize(String authorizationUrl, String user, String password) {
        Answer answer = get(authorizationUrl, Map.of());
        if (location(answer).equals(issuer + "/login")) {
            answer = post(issuer + "/login", "username=" + encode(user) + "&password=" + encode(password));
            if (!location(answer).startsWith(issuer + "/oauth2/authorize")) {
                throw new IllegalStateException("The provider refused the sign-in of " + user + ": " + answer);
            }
            answer = get(location(answer), Map.of());
        }
        if (!location(answer).startsWith(broker + "/login/oauth2/code/oidc")) {
            throw new IllegalStateException("The provider did not send the browser back: " + answer);
        }
        return location(answer);
    }

    /**
     * An access token from the provider, as a command-line client of the given application gets one: the
     * authorization code flow with PKCE run here (the code is taken from the redirect instead of following it),
     * then the code exchanged at the provider's token endpoint.
     */
    String providerAccessToken(String user, String password, String clientId, String clientSecret) {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String verifier = base64.encodeToString(random);
        String challenge;
        try {
            challenge = base64.encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String redirect = broker + "/login/oauth2/code/oidc";
        String back = authorize(issuer + "/oauth2/authorize?response_type=code&client_id=" + encode(clientId)
                + "&redirect_uri=" + encode(redirect) + "&scope=openid%20profile&state=cli&code_challenge=" + challenge
                + "&code_challenge_method=S256", user, password);
        String code = URI.create(back).getQuery().replaceAll("^.*(?:^|&)code=([^&]+).*$", "$1");
        Answer token = post(issuer + "/oauth2/token", "grant_type=authorization_code&code=" + code + "&redirect_uri="
                + encode(redirect) + "&code_verifier=" + verifier, Map.of("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8))));
        if (token.status() != 200) {
            throw new IllegalStateException("The provider refused the code: " + token);
        }
        return token.json().path("access_token").asText();
    }

    /** The whole sign-in; answers the broker's answer to the provider's redirect back. */
    Answer signIn(String user, String password) {
        return get(authorize(location(start()), user, password), Map.of());
    }

    Answer get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        headers.forEach(request::header);
        return send(request);
    }

    Answer post(String url, String form) {
        return post(url, form, Map.of());
    }

    Answer post(String url, String form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(request::header);
        return send(request);
    }

    /** A request to the broker with the session and, for writes, the CSRF token as the broker's pages send it. */
    Answer broker(String method, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        String csrf = cookie(broker, "XSRF-TOKEN");
        if (csrf != null) {
            request.header("X-XSRF-TOKEN", csrf);
        }
        return send(request);
    }

    Answer brokerJson(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        String csrf = cookie(broker, "XSRF-TOKEN");
        if (csrf != null) {
            request.header("X-XSRF-TOKEN", csrf);
        }
        return send(request);
    }

    String cookie(String base, String name) {
        return cookies.getCookieStore().get(URI.create(base)).stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    static String location(Answer answer) {
        return answer.headers().firstValue("Location").orElse("");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
