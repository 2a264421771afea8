package org.openvdi.broker.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.guacamole.GuacamoleException;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.ApiClient;
import org.openvdi.broker.ProductStack;
import org.openvdi.broker.bench.RouteComparison.Route;

/**
 * What the gateway adds to a Guacamole connection, against a connection straight to guacd, on one running desktop
 * of the whole product ({@link ProductStack}): connection set-up (open to guacd's first frame), the round trip to
 * guacd and back, and each frame's delay from guacd to the client ({@link GuacamoleProbe} says which exchanges
 * guacd answers). Both routes get the display's endpoint and password the way the gateway does, from the broker's
 * answer to a redeemed one-time token. Prints p50/p95 per route and the difference, and writes them to
 * target/bench/gateway-latency.md. Runs only with {@code -Pbench} ({@code ./vdi bench}). Sizes:
 * {@code -Dbench.latency.connections} (40 per route), {@code -Dbench.latency.pings} (200),
 * {@code -Dbench.latency.frame-seconds} (5; three windows per route).
 */
class GatewayLatencyBench {

    private static final int WIDTH = 1024;
    private static final int HEIGHT = 768;
    private static final int FRAME_WINDOWS = 3;
    private static final String SETUP = "connection set-up: open → first `sync` (guacd's first frame)";
    private static final String ROUND_TRIP = "round trip to guacd: `disconnect` → `disconnect`";
    private static final String FRAME_DELAY = "frame delay guacd → client: arrival − guacd's `sync` stamp";
    private static final String REDEEM = "token redeemed at the broker (direct: before its set-up; gateway: within it)";
    private static final String PING = "tunnel ping `0.,4.ping` (answered by the gateway, never reaches guacd)";

    private final int connections = Integer.getInteger("bench.latency.connections", 40);
    private final int pings = Integer.getInteger("bench.latency.pings", 200);
    private final Duration frameWindow = Duration.ofSeconds(Integer.getInteger("bench.latency.frame-seconds", 5));
    private final String storagePool = "openvdi-bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path work = Path.of("target/bench/run-" + storagePool).toAbsolutePath();
    private final RouteComparison figures = new RouteComparison(List.of(SETUP, ROUND_TRIP, FRAME_DELAY, REDEEM, PING));
    private final GuacamoleProbe probe = new GuacamoleProbe();
    private ProductStack stack;
    private String sessionId;

    @Test
    void givenARunningDesktop_whenReachedDirectlyAndThroughTheGateway_thenReportWhatTheGatewayAdds() throws Exception {
        try (ProductStack started = ProductStack.start(work, storagePool, 1)) {
            stack = started;
            String pool = stack.admin().pool("Latency", stack.template(), "FLOATING", "KEEP_RUNNING", 1, 1, "alice");
            ApiClient alice = stack.as("alice");
            sessionId = alice.post("/api/sessions", alice.write(Map.of("poolId", pool))).json().get("id").asText();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    alice.get("/api/sessions/" + sessionId).json().get("state").asText().equals("READY"));
            Thread.sleep(5000);

            for (Route route : Route.values()) {
                connectAndDisconnect(route, false);
            }
            for (int i = 0; i < connections; i++) {
                for (Route route : Route.values()) {
                    connectAndDisconnect(route, true);
                }
            }
            for (int window = 0; window < FRAME_WINDOWS; window++) {
                for (Route route : Route.values()) {
                    try (GuacamoleLink link = probe.open(opener(route, false)).link()) {
                        probe.frameDelays(link, frameWindow, figures.of(FRAME_DELAY, route));
                    }
                }
            }
            try (GuacamoleLink link = probe.open(opener(Route.GATEWAY, false)).link()) {
                probe.tunnelPings(link, pings, figures.of(PING, Route.GATEWAY));
            }
        }
        document().publish("gateway-latency.md");
    }

    /** One connection: its set-up, then the {@code disconnect} round trip that ends it; untimed for warming up. */
    private void connectAndDisconnect(Route route, boolean timed) throws GuacamoleException, InterruptedException {
        GuacamoleProbe.Opened opened = probe.open(opener(route, timed));
        try (GuacamoleLink link = opened.link()) {
            long roundTrip = probe.disconnectRoundTrip(link);
            if (timed) {
                figures.of(SETUP, route).add(opened.setupMicros());
                figures.of(ROUND_TRIP, route).add(roundTrip);
            }
        }
    }

    /**
     * Gets a fresh one-time token first, and on the direct route redeems it as the gateway would, so that the
     * clock of the set-up runs only from the connection's opening: through the gateway, the redeem is part of it.
     */
    private GuacamoleProbe.Opener opener(Route route, boolean timed) {
        String connectUrl = stack.as("alice").post("/api/sessions/" + sessionId + "/connect", "").json()
                .get("connectUrl").asText();
        String token = connectUrl.substring(connectUrl.indexOf("token=") + "token=".length()).replaceFirst("&.*$", "");
        if (route == Route.GATEWAY) {
            return () -> TunnelLink.open(stack.gatewayPort(), token, WIDTH, HEIGHT);
        }
        long start = System.nanoTime();
        DisplayGrant grant = DisplayGrant.redeem(stack.asGateway(), token);
        if (timed) {
            figures.of(REDEEM, Route.DIRECT).add((System.nanoTime() - start) / 1000);
        }
        return () -> DirectGuacdLink.open(ProductStack.GUACD_HOST, ProductStack.GUACD_PORT, grant, WIDTH, HEIGHT);
    }

    private BenchDocument document() {
        return new BenchDocument("What the gateway adds to a display connection")
                .setting("one running desktop (floating pool, minSpare 1, maxSize 1) on qemu:///system, its guest at the "
                        + "busybox shell; the product as separate processes (broker with embedded PostgreSQL and "
                        + "in-process KRaft Kafka, gateway), guacd on " + ProductStack.GUACD_HOST + ":"
                        + ProductStack.GUACD_PORT + "; client, gateway and guacd on this machine")
                .setting("direct: guacamole-common's ConfiguredGuacamoleSocket over TCP to guacd, " + WIDTH + "x" + HEIGHT
                        + ", with the VNC endpoint and password from the broker's answer to a redeemed token; gateway: "
                        + "a WebSocket to /tunnel with a fresh one-time token, subprotocol `guacamole`, as the browser "
                        + "opens it (the gateway redeems the token, then connects guacd the same way)")
                .setting(connections + " connections per route, the routes alternating, after one untimed connection per "
                        + "route; each is opened, types a key and waits for its frame, waits "
                        + GuacamoleProbe.QUIET_MILLIS + " ms, then ends with `disconnect`")
                .setting("round trip: guacd 1.3.0 answers nothing at once after the handshake but `disconnect` (a "
                        + "client's `sync` only feeds its lag estimate, `nop` is ignored, refusals of streams wait for "
                        + "the next frame), so one `disconnect` → `disconnect` per connection")
                .setting("frame delay: guacd stamps each frame's `sync` with its monotonic clock in whole ms; "
                        + FRAME_WINDOWS + " windows of " + frameWindow.toSeconds() + " s per route, alternating, typing "
                        + "a key after each frame; every delay reads up to 1 ms high, alike on both routes")
                .setting("added = gateway minus direct, per percentile; all figures in ms")
                .machine(MachineFacts.basics()).machine(MachineFacts.guacd())
                .table("Direct to guacd against through the gateway", RouteComparison.COLUMNS, figures.rows());
    }
}
