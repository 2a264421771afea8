package org.openvdi.broker.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka in KRaft mode (broker and controller in one) inside the broker's JVM, for
 * {@code ./vdi up} without Docker. Its configuration and log segments live in one directory,
 * formatted on first start and kept afterwards, so topics and offsets survive restarts.
 */
final class EmbeddedKafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaServer(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafkaServer start(Path directory, int port) {
        Path home = directory.toAbsolutePath();
        int clientPort = port == 0 ? freePort() : requireFree(port);
        Properties config = config(home, clientPort, freePort());
        try {
            Files.createDirectories(home.resolve("logs"));
            Path file = home.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(file)) {
                config.store(out, "Written by the OpenVDI broker at each start (openvdi.kafka.embedded=true)");
            }
            format(home, file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded Kafka in " + home, e);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        String bootstrap = HOST + ":" + clientPort;
        log.info("Embedded Kafka (KRaft) listening on {} with its data in {}", bootstrap, home);
        return new EmbeddedKafkaServer(server, bootstrap);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka stopped");
    }

    private static Properties config(Path home, int clientPort, int controllerPort) {
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        config.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort);
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("inter.broker.listener.name", "PLAINTEXT");
        config.setProperty("log.dirs", home.resolve("logs").toString());
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        config.setProperty("auto.create.topics.enable", "true");
        return config;
    }

    /** Formats the log directory on first start; {@code --ignore-formatted} keeps an existing cluster as it is. */
    private static void format(Path home, Path configFile) {
        if (Files.exists(home.resolve("logs").resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        String printed = output.toString(StandardCharsets.UTF_8).trim();
        if (exit != 0) {
            throw new IllegalStateException("Formatting the embedded Kafka's storage in " + home + " failed: " + printed);
        }
        log.info("Embedded Kafka storage formatted: {}", printed);
    }

    private static int requireFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " for the embedded Kafka is in use (another broker's Kafka?): "
                    + "stop what uses it, or set openvdi.kafka.embedded-port and point the gateway's "
                    + "spring.kafka.bootstrap-servers at the new port", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the embedded Kafka", e);
        }
    }
}
