package org.openvdi.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The whole product on this machine, every part real and each application its own process: the broker
 * (embedded PostgreSQL, in-process KRaft Kafka, demo logins), the gateway, guacd on 127.0.0.1:4822 (started
 * by scripts/host-setup.sh) and the local KVM host qemu:///system (software emulation) with the template
 * "Tiny desktop" (the tiny image, 1 vCPU, 256 MiB) in a storage pool of its own. Browsers reach the gateway
 * directly, or through a {@link TcpProxy} a test can cut ({@link #startWithCuttableGatewayPath}). Closing it
 * stops both applications and removes the pool's VMs and volumes.
 */
public final class ProductStack implements AutoCloseable {

    public static final String GUACD_HOST = "127.0.0.1";
    public static final int GUACD_PORT = 4822;

    private final String storagePool;
    private final Path images;
    private final int kafkaPort;
    private final String gatewaySecret = UUID.randomUUID().toString();
    private final String kafkaGatewayPassword = UUID.randomUUID().toString();
    private final AppProcess broker;
    private final AppProcess gateway;
    private final TcpProxy gatewayPath;
    private AdminScenario admin;
    private String template;
    /** How long each application may take to start (the machine may be shared and loaded). */
    private Duration startTimeout = Duration.ofSeconds(180);

    private ProductStack(Path work, String storagePool, boolean cuttableGatewayPath) throws IOException {
        this(work, storagePool, cuttableGatewayPath, List.of(), Map.of());
    }

    private ProductStack(Path work, String storagePool, boolean cuttableGatewayPath, List<String> brokerArgs,
                         Map<String, String> brokerEnv) throws IOException {
        this.storagePool = storagePool;
        this.images = Files.createDirectories(work.resolve("images"));
        this.kafkaPort = AppProcess.freePort();
        this.gateway = AppProcess.gateway(work.resolve("gateway"), List.of("--spring.kafka.bootstrap-servers=localhost:" + kafkaPort))
                .env("OPENVDI_GATEWAY_BROKER_SECRET", gatewaySecret)
                .env("OPENVDI_GATEWAY_KAFKA_PASSWORD", kafkaGatewayPassword);
        this.gatewayPath = cuttableGatewayPath ? new TcpProxy(new InetSocketAddress("127.0.0.1", gateway.port())) : null;
        this.broker = AppProcess.broker(work.resolve("broker"), List.of("--openvdi.images.directories=" + images,
                "--openvdi.kafka.embedded-port=" + kafkaPort, "--openvdi.kafka.embedded-directory=" + work.resolve("kafka"),
                "--spring.kafka.bootstrap-servers=localhost:" + kafkaPort, "--openvdi.gateway-url=" + gatewayUrl(),
                // the benchmarks ask for a connect URL per connection, far more than a person's 20 a minute
                "--openvdi.limits.connect-tokens-per-minute=100000",
                "--openvdi.limits.session-requests-per-minute=100000"))
                .env("OPENVDI_GATEWAY_SECRET", gatewaySecret)
                .env("OPENVDI_KAFKA_GATEWAY_PASSWORD", kafkaGatewayPassword);
        brokerArgs.forEach(broker::arg);
        brokerEnv.forEach(broker::env);
    }

    /** Starts the broker, then the gateway, and registers the host (up to {@code maxDesktops}) and the template. */
    public static ProductStack start(Path work, String storagePool, int maxDesktops) throws Exception {
        return start(work, storagePool, maxDesktops, false);
    }

    /** As {@link #start}, with browsers reaching the gateway through {@link #gatewayPath()}. */
    public static ProductStack startWithCuttableGatewayPath(Path work, String storagePool, int maxDesktops)
            throws Exception {
        return start(work, storagePool, maxDesktops, true);
    }

    /**
     * As {@link #startWithCuttableGatewayPath(Path, String, int)}, allowing each application {@code startTimeout} to
     * start: a product that several test classes share waits as long as a loaded machine needs, rather than fail them
     * all.
     */
    public static ProductStack startWithCuttableGatewayPath(Path work, String storagePool, int maxDesktops,
                                                            Duration startTimeout) throws Exception {
        requireGuacd();
        ProductStack stack = new ProductStack(work, storagePool, true);
        stack.startTimeout = startTimeout;
        return boot(stack, maxDesktops);
    }

    /**
     * As {@link #start}, with further broker arguments and environment: another database
     * ({@code --spring.datasource.url=...} and {@code SPRING_DATASOURCE_PASSWORD}), other settings; each application
     * may take 10 minutes to start, as the multi-broker test allows on a loaded machine.
     */
    public static ProductStack start(Path work, String storagePool, int maxDesktops, List<String> brokerArgs,
                                     Map<String, String> brokerEnv) throws Exception {
        requireGuacd();
        ProductStack stack = new ProductStack(work, storagePool, false, brokerArgs, brokerEnv);
        stack.startTimeout = Duration.ofMinutes(10);
        return boot(stack, maxDesktops);
    }

    private static ProductStack start(Path work, String storagePool, int maxDesktops, boolean cuttableGatewayPath)
            throws Exception {
        requireGuacd();
        return boot(new ProductStack(work, storagePool, cuttableGatewayPath), maxDesktops);
    }

    private static ProductStack boot(ProductStack stack, int maxDesktops) throws Exception {
        try {
            stack.boot(maxDesktops);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private static void requireGuacd() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(GUACD_HOST, GUACD_PORT), 2000);
        } catch (IOException e) {
            throw new IllegalStateException("guacd does not listen on " + GUACD_HOST + ":" + GUACD_PORT
                    + ": run scripts/host-setup.sh daemons", e);
        }
    }

    private void boot(int maxDesktops) throws IOException, InterruptedException {
        Path image = Files.copy(AppProcess.tinyImage(), images.resolve("tiny-desktop.img"));
        broker.start(startTimeout);
        gateway.arg("--openvdi.gateway.broker-url=http://localhost:" + broker.port())
                .arg("--openvdi.gateway.portal-url=http://localhost:" + broker.port() + "/");
        gateway.start(startTimeout);
        if (gatewayPath != null) {
            gatewayPath.start();
        }
        admin = new AdminScenario(broker.port());
        admin.host(Map.of("name", "local", "uri", "qemu:///system", "virtType", "qemu", "maxDesktops", maxDesktops,
                "storagePool", storagePool));
        template = admin.template("Tiny desktop", image, 256);
    }

    /** The broker's image directory, where a test may put further versions of a template's image. */
    public Path images() {
        return images;
    }

    public int brokerPort() {
        return broker.port();
    }

    public int gatewayPort() {
        return gateway.port();
    }

    /** The gateway as browsers reach it: the address the portal sends them to. */
    public String gatewayUrl() {
        return "http://localhost:" + (gatewayPath == null ? gateway.port() : gatewayPath.port());
    }

    /** The network path from browsers to the gateway, when started with {@link #startWithCuttableGatewayPath}. */
    public TcpProxy gatewayPath() {
        return gatewayPath;
    }

    /** Stops the gateway process; {@link #startGateway()} starts it again on the same port. */
    public void stopGateway() throws InterruptedException {
        gateway.close();
    }

    public void startGateway() throws IOException, InterruptedException {
        gateway.start(startTimeout);
    }

    /** The id of the template "Tiny desktop". */
    public String template() {
        return template;
    }

    /**
     * Registers a template from its descriptor file (YAML, as {@code ./vdi image publish} does) and publishes the
     * image as its first version, checked against {@code sha256} (its build manifest's). The image is linked into
     * the broker's image directory (copied where a link cannot be made). Returns the template's id.
     */
    public String templateFromDescriptor(Path descriptor, Path image, String sha256) throws IOException {
        Path published = images.resolve(image.getFileName());
        try {
            Files.createLink(published, image);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(image, published);
        }
        ApiClient.Answer template = admin.admin().post("/api/templates", Files.readAllBytes(descriptor), "application/yaml");
        if (template.status() != 201) {
            throw new IllegalStateException("registering " + descriptor + ": HTTP " + template.status() + " " + template.body());
        }
        String id = template.json().get("id").asText();
        ApiClient.Answer version = admin.admin().post("/api/templates/" + id + "/versions", admin.admin().write(
                Map.of("imagePath", published.toString(), "sha256", sha256)));
        if (version.status() != 201) {
            throw new IllegalStateException("publishing " + published + ": HTTP " + version.status() + " " + version.body());
        }
        return id;
    }

    public AdminScenario admin() {
        return admin;
    }

    /** The REST API as one of the demo logins (password {@code demo}). */
    public ApiClient as(String user) {
        return new ApiClient(broker.port(), user, "demo");
    }

    /** The broker's internal API as the gateway signs in to it (HTTP Basic user {@code gateway}). */
    public ApiClient asGateway() {
        return new ApiClient(broker.port(), "gateway", gatewaySecret);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (gatewayPath != null) {
                gatewayPath.close();
            }
            gateway.close();
            broker.close();
        } finally {
            Virsh.removeDesktopsAndPool(storagePool);
        }
    }
}
