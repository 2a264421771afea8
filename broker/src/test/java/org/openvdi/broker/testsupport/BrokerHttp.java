package org.openvdi.broker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Calls the running broker over real HTTP with HTTP Basic credentials, the way its clients do. */
public final class BrokerHttp {

    /** One answer: status, content type and the body as JSON (null when empty). */
    public record Reply(int status, String contentType, JsonNode body) {

        public String code() {
            return body == null ? null : body.path("code").asText(null);
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final ObjectMapper json;
    private final String user;
    private final String password;

    public BrokerHttp(int port, ObjectMapper json) {
        this("http://localhost:" + port, json, null, null);
    }

    private BrokerHttp(String base, ObjectMapper json, String user, String password) {
        this.base = base;
        this.json = json;
        this.user = user;
        this.password = password;
    }

    public BrokerHttp as(String user, String password) {
        return new BrokerHttp(base, json, user, password);
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply delete(String path) {
        return send(request(path).DELETE());
    }

    public Reply post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(jsonOf(body)));
    }

    public Reply put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(jsonOf(body)));
    }

    /** A POST with this body text, content type and extra headers (name, value, name, value ...), as a browser may send. */
    public Reply postRaw(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    /** A JSON Merge Patch (RFC 7386). */
    public Reply patch(String path, Object body) {
        return send(request(path).header("Content-Type", "application/merge-patch+json").method("PATCH", jsonOf(body)));
    }

    private HttpRequest.BodyPublisher jsonOf(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(body == null ? "" : json.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, application/problem+json");
        if (user != null) {
            String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            builder.header("Authorization", "Basic " + basic);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    body == null || body.isBlank() ? null : json.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
