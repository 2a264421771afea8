package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw HTTP to the broker the way a browser or an attacker's page would send it: any method, headers and
 * body, and a cookie jar, so a test can sign in with the form, hold a session and send requests with or
 * without the CSRF token.
 */
public final class WebClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, headers, and the body as text (and as JSON when it is JSON). */
    public record Answer(int status, HttpHeaders headers, String body) {

        public JsonNode json() {
            try {
                return body == null || body.isBlank() ? null : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("Not JSON: " + body, e);
            }
        }

        public String code() {
            JsonNode json = json();
            return json == null ? null : json.path("code").asText(null);
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public List<String> setCookies() {
            return headers.allValues("Set-Cookie");
        }
    }

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    public WebClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public String base() {
        return base;
    }

    /** Signs in with the sign-in form as a browser does: CSRF token from the XSRF-TOKEN cookie, session cookie kept. */
    public WebClient signIn(String user, String password) {
        send("GET", "/login", Map.of(), null, null);
        String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + csrfToken();
        Answer answer = send("POST", "/login", Map.of(), "application/x-www-form-urlencoded", form);
        if (answer.status() != 302 || answer.headers().firstValue("Location").orElse("").contains("error")
                || cookie("JSESSIONID") == null) {
            throw new IllegalStateException("Sign-in failed: " + answer);
        }
        return this;
    }

    public String csrfToken() {
        return cookie("XSRF-TOKEN");
    }

    public String cookie(String name) {
        return cookies.getCookieStore().get(URI.create(base)).stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one request; a null content type sends none, a null body sends an empty one. */
    public Answer send(String method, String path, Map<String, String> headers, String contentType, String body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (contentType != null) {
            all.put("Content-Type", contentType);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        all.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
