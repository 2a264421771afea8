package org.openvdi.gateway.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Plays the broker's side of the redeem contract in tests, because the broker cannot run in the gateway's
 * module: {@code POST /internal/connections/redeem} with HTTP Basic user {@code gateway}, answering 200 with
 * a grant, 4xx {@code application/problem+json} with a {@code code}, 503, or a dropped connection, as the
 * test arranged per token; and {@code POST /internal/notices}, the notices of the sessions a gateway carries. Granted tokens are single use, like the broker's, and each grant carries a resume
 * token that is granted once for the same session and display.
 */
public final class FakeBroker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Marks a notice that only one gateway's polls get; never sent. */
    private static final String FOR_GATEWAY = "forGateway";

    /** What the broker answers for one token. */
    public sealed interface Answer permits Grant, Problem, Unavailable, Dropped {
    }

    /**
     * A grant; {@code recordingName} null: the connection is not recorded; {@code viewerAccess} null: the session's
     * own user, else a viewer who joined through a share link (VIEW or CONTROL).
     */
    public record Grant(String token, UUID sessionId, UUID desktopId, String userName, String hostname, int port,
                        String password, String resumeToken, String connectionId, String recordingName,
                        String viewerAccess, UUID shareId)
            implements Answer {

        /** What presenting this grant's resume token is granted: a new connection, not recorded. */
        Grant resumed() {
            return new Grant(resumeToken, sessionId, desktopId, userName, hostname, port, password, newToken(),
                    newToken(), null, viewerAccess, shareId);
        }
    }

    public record Problem(int status, String code) implements Answer {
    }

    public record Unavailable() implements Answer {
    }

    public record Dropped() implements Answer {
    }

    private final HttpServer server;
    private final String secret;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    /** Connection ids handed out, by session, as the broker keeps them to answer notice polls. */
    private final Map<String, String> sessionByConnection = new ConcurrentHashMap<>();
    private final Map<UUID, List<Map<String, Object>>> notices = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> noticePolls = new CopyOnWriteArrayList<>();

    private FakeBroker(HttpServer server, String secret) {
        this.server = server;
        this.secret = secret;
    }

    public static FakeBroker start(String secret) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeBroker broker = new FakeBroker(server, secret);
            server.createContext("/internal/connections/redeem", broker::redeem);
            server.createContext("/internal/notices", broker::notices);
            server.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A fresh token (in the returned grant) that the broker will redeem once for the given display. */
    public Grant grant(String hostname, int port, String password) {
        return recordedGrant(hostname, port, password, null);
    }

    /** Like {@link #grant}, and the broker asks for the connection to be recorded into {@code recordingName}. */
    public Grant recordedGrant(String hostname, int port, String password, String recordingName) {
        Grant grant = new Grant(newToken(), UUID.randomUUID(), UUID.randomUUID(), "alice", hostname, port, password,
                newToken(), newToken(), recordingName, null, null);
        answers.put(grant.token(), grant);
        return grant;
    }

    /**
     * A fresh token for {@code viewer}, who joined the session of {@code owner} through a share link; like the
     * broker's, the grant carries the display's password, for a gateway that does not carry the owner's connection.
     */
    public Grant viewerGrant(Grant owner, String viewer, String access) {
        return viewerGrant(owner, viewer, access, null);
    }

    /** Like {@link #viewerGrant(Grant, String, String)}, through share link {@code shareId}, as the broker names it. */
    public Grant viewerGrant(Grant owner, String viewer, String access, UUID shareId) {
        Grant grant = new Grant(newToken(), owner.sessionId(), owner.desktopId(), viewer, owner.hostname(),
                owner.port(), owner.password(), newToken(), newToken(), null, access, shareId);
        answers.put(grant.token(), grant);
        return grant;
    }

    /** A fresh token that the broker will answer with {@code answer}. */
    public String tokenAnswering(Answer answer) {
        String token = newToken();
        answers.put(token, answer);
        return token;
    }

    public static String newToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** From now on, polls naming a tunnel of this session (by a connection id granted for it) get this notice. */
    public void notice(UUID sessionId, String id, String text, long secondsLeft) {
        notices.computeIfAbsent(sessionId, s -> new CopyOnWriteArrayList<>()).add(Map.of(
                "sessionId", sessionId.toString(), "id", id, "text", text, "secondsLeft", secondsLeft));
    }

    /** From now on, polls naming a tunnel of this session get the notice that disconnects it if idle since then. */
    public void idleNotice(UUID sessionId, String id, java.time.Instant idleSince) {
        notices.computeIfAbsent(sessionId, s -> new CopyOnWriteArrayList<>()).add(Map.of(
                "sessionId", sessionId.toString(), "id", id, "text", "idle", "secondsLeft", 0,
                "idleSince", idleSince.toString()));
    }

    /** From now on, polls naming a tunnel of this session get the notice that cuts {@code viewer} off for {@code cut}. */
    public void cutNotice(UUID sessionId, String id, String viewer, String cut) {
        notices.computeIfAbsent(sessionId, s -> new CopyOnWriteArrayList<>()).add(Map.of(
                "sessionId", sessionId.toString(), "id", id, "secondsLeft", 0, "viewer", viewer, "cut", cut));
    }

    /** Like {@link #cutNotice(UUID, String, String, String)}, for the viewer's tunnels through share {@code shareId}. */
    public void cutNotice(UUID sessionId, String id, String viewer, String cut, UUID shareId) {
        notices.computeIfAbsent(sessionId, s -> new CopyOnWriteArrayList<>()).add(Map.of(
                "sessionId", sessionId.toString(), "id", id, "secondsLeft", 0, "viewer", viewer, "cut", cut,
                "shareId", shareId.toString()));
    }

    /**
     * From now on, polls of gateway {@code gatewayId} naming a tunnel of this session are told who watches it through
     * other gateways ({@code [name, access]} pairs), in place of what they were told before.
     */
    public void watchingNotice(UUID sessionId, String gatewayId, List<List<String>> watching) {
        List<Map<String, Object>> list = notices.computeIfAbsent(sessionId, s -> new CopyOnWriteArrayList<>());
        list.removeIf(n -> n.containsKey("watching") && gatewayId.equals(n.get(FOR_GATEWAY)));
        list.add(Map.of("sessionId", sessionId.toString(), "id", "watching/" + sessionId, "secondsLeft", 0,
                "watching", watching.stream().map(w -> Map.of("name", w.get(0), "access", w.get(1))).toList(),
                FOR_GATEWAY, gatewayId));
    }

    /** The JSON bodies of all notice polls so far. */
    public List<Map<String, Object>> noticePolls() {
        return List.copyOf(noticePolls);
    }

    /** The JSON bodies of all redeem calls so far. */
    public List<Map<String, Object>> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void redeem(HttpExchange exchange) throws IOException {
        try (exchange) {
            String expected = "Basic " + Base64.getEncoder()
                    .encodeToString(("gateway:" + secret).getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(exchange.getRequestMethod())
                    || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    || exchange.getRequestHeaders().getFirst("Content-Length") == null) {
                respond(exchange, 401, "application/problem+json",
                        Map.of("type", "about:blank", "title", "Unauthorized", "status", 401));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> body = JSON.readValue(exchange.getRequestBody(), Map.class);
            requests.add(body);
            Answer answer = answers.getOrDefault(String.valueOf(body.get("token")), new Problem(404, "TOKEN_UNKNOWN"));
            if (answer instanceof Grant grant) {
                sessionByConnection.put(grant.connectionId(), grant.sessionId().toString());
                answers.put(grant.token(), new Problem(401, "TOKEN_ALREADY_USED"));
                answers.put(grant.resumeToken(), grant.resumed());
            }
            answer(exchange, answer);
        }
    }

    /** Answers a notice poll for the tunnels whose connection id was granted for their session, like the broker. */
    private void notices(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                respond(exchange, 401, "application/problem+json",
                        Map.of("type", "about:blank", "title", "Unauthorized", "status", 401));
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> body = JSON.readValue(exchange.getRequestBody(), Map.class);
            noticePolls.add(body);
            List<Map<String, Object>> answer = new java.util.ArrayList<>();
            @SuppressWarnings("unchecked")
            List<Map<String, String>> tunnels = (List<Map<String, String>>) body.get("tunnels");
            for (Map<String, String> tunnel : tunnels) {
                if (tunnel.get("sessionId").equals(sessionByConnection.get(tunnel.get("connectionId")))) {
                    for (Map<String, Object> notice : notices.getOrDefault(UUID.fromString(tunnel.get("sessionId")),
                            List.<Map<String, Object>>of())) {
                        Object only = notice.get(FOR_GATEWAY);
                        if (only == null) {
                            answer.add(notice);
                        } else if (only.equals(body.get("gatewayId"))) {
                            Map<String, Object> sent = new java.util.HashMap<>(notice);
                            sent.remove(FOR_GATEWAY);
                            answer.add(sent);
                        }
                    }
                }
            }
            byte[] bytes = JSON.writeValueAsBytes(answer);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String expected = "Basic " + Base64.getEncoder()
                .encodeToString(("gateway:" + secret).getBytes(StandardCharsets.UTF_8));
        return "POST".equals(exchange.getRequestMethod())
                && expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private static void answer(HttpExchange exchange, Answer answer) throws IOException {
        if (answer instanceof Grant grant) {
            Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of(
                    "sessionId", grant.sessionId().toString(), "desktopId", grant.desktopId().toString(),
                    "userName", grant.userName(), "protocol", "vnc", "hostname", grant.hostname(),
                    "port", grant.port(), "resumeToken", grant.resumeToken(),
                    "connectionId", grant.connectionId()));
            if (grant.password() != null) {
                body.put("password", grant.password());
            }
            if (grant.viewerAccess() != null) {
                body.put("viewerAccess", grant.viewerAccess());
            }
            if (grant.shareId() != null) {
                body.put("shareId", grant.shareId().toString());
            }
            if (grant.recordingName() != null) {
                body.put("recordingName", grant.recordingName());
            }
            respond(exchange, 200, "application/json", body);
        } else if (answer instanceof Problem problem) {
            respond(exchange, problem.status(), "application/problem+json", Map.of(
                    "type", "about:blank", "title", problem.code(), "status", problem.status(),
                    "code", problem.code()));
        } else if (answer instanceof Unavailable) {
            respond(exchange, 503, "application/problem+json",
                    Map.of("type", "about:blank", "title", "Service Unavailable", "status", 503));
        }
        // Dropped: the exchange closes without any answer.
    }

    private static void respond(HttpExchange exchange, int status, String type, Map<String, ?> body)
            throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
