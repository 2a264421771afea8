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
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka in KRaft mode (broker and controller in one) inside the broker's JVM, for
 * {@code ./vdi up} without Docker. Its configuration and log segments live in one directory,
 * formatted on first start and kept afterwards, so topics and offsets survive restarts.
 * <p>
 * Nobody gets in without a password: both listeners speak SASL_PLAINTEXT on 127.0.0.1. Clients sign in with
 * SCRAM-SHA-512 as one of the users of {@link KafkaAccess}, and the KRaft {@code StandardAuthorizer} allows them
 * only what its ACLs grant. Kafka's own traffic (controller, inter-broker) and the setup at each start sign in
 * with PLAIN as {@value #ADMIN}, the only super user, whose password is drawn afresh at each start, lives only
 * in this JVM and is left out of {@code server.properties}. At each start the users' SCRAM credentials are set
 * to the configured passwords and the ACLs granted, so changed passwords take effect on restart.
 */
final class EmbeddedKafkaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
    private static final String HOST = "127.0.0.1";

    static final String ADMIN = "openvdi-kafka-admin";
    private static final int SCRAM_ITERATIONS = 8192;
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaServer(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafkaServer start(Path directory, int port, KafkaAccess access) {
        Path home = directory.toAbsolutePath();
        int clientPort = port == 0 ? freePort() : requireFree(port);
        KafkaCredentials admin = new KafkaCredentials(ADMIN, KafkaSettings.randomPassword());
        Properties config = config(home, clientPort, freePort());
        try {
            Files.createDirectories(home.resolve("logs"));
            Path file = home.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(file)) {
                config.store(out, "Written by the OpenVDI broker at each start (openvdi.kafka.embedded=true); "
                        + "the super user's password is drawn at each start and never written");
            }
            format(home, file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the embedded Kafka in " + home, e);
        }
        config.putAll(adminLogins(admin));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        server.startup();
        String bootstrap = HOST + ":" + clientPort;
        try {
            grant(bootstrap, admin, access);
        } catch (RuntimeException e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
        log.info("Embedded Kafka (KRaft, SASL/SCRAM, ACLs) listening on {} with its data in {}; users: {}", bootstrap,
                home, access.users().stream().map(KafkaCredentials::username).toList());
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
        config.setProperty("listeners", "CLIENT://" + HOST + ":" + clientPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        config.setProperty("advertised.listeners", "CLIENT://" + HOST + ":" + clientPort);
        config.setProperty("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("inter.broker.listener.name", "CLIENT");
        // SCRAM credentials live in the metadata log, which the controller cannot read before it signs in:
        // Kafka itself signs in with PLAIN, whose only user is the super user.
        config.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        config.setProperty("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
        config.setProperty("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        config.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.setProperty("sasl.mechanism.controller.protocol", "PLAIN");
        config.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.setProperty("allow.everyone.if.no.acl.found", "false");
        config.setProperty("super.users", "User:" + ADMIN);
        config.setProperty("log.dirs", home.resolve("logs").toString());
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        // A topic missing when the broker started (Kafka down) is created on first use, under the CREATE grants:
        // only the broker's user has them.
        config.setProperty("auto.create.topics.enable", "true");
        return config;
    }

    /** The JAAS sections of both listeners: the super user's login, and PLAIN's user list, which is only that user. */
    private static Properties adminLogins(KafkaCredentials admin) {
        String plain = KafkaCredentials.PLAIN_MODULE + " required username=" + KafkaCredentials.quoted(admin.username())
                + " password=" + KafkaCredentials.quoted(admin.password())
                + " user_" + admin.username() + "=" + KafkaCredentials.quoted(admin.password()) + ";";
        Properties logins = new Properties();
        logins.setProperty("listener.name.client.plain.sasl.jaas.config", plain);
        logins.setProperty("listener.name.controller.plain.sasl.jaas.config", plain);
        logins.setProperty("listener.name.client.scram-sha-512.sasl.jaas.config", KafkaCredentials.SCRAM_MODULE + " required;");
        return logins;
    }

    /**
     * Sets the users' SCRAM credentials, grants the ACLs and creates the missing topics, as the super user,
     * then waits until the broker side knows users and ACLs, so that clients started right after this can sign
     * in and are authorized.
     */
    private static void grant(String bootstrap, KafkaCredentials admin, KafkaAccess access) {
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, admin.jaasConfig(KafkaCredentials.PLAIN_MODULE));
        List<UserScramCredentialAlteration> users = access.users().stream()
                .<UserScramCredentialAlteration>map(user -> new UserScramCredentialUpsertion(user.username(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), user.password()))
                .toList();
        List<AclBinding> acls = access.acls();
        try (Admin client = Admin.create(adminConfig)) {
            long timeout = SETUP_TIMEOUT.toMillis();
            client.alterUserScramCredentials(users).all().get(timeout, TimeUnit.MILLISECONDS);
            client.createAcls(acls).all().get(timeout, TimeUnit.MILLISECONDS);
            createMissing(client, access, timeout);
            Instant deadline = Instant.now().plus(SETUP_TIMEOUT);
            while (!known(client, access, acls, timeout)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("The embedded Kafka did not take its users and ACLs within " + SETUP_TIMEOUT);
                }
                Thread.sleep(50);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Setting up the users and ACLs of the embedded Kafka failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while setting up the embedded Kafka", e);
        }
    }

    private static void createMissing(Admin client, KafkaAccess access, long timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = client.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
        List<NewTopic> missing = access.topics().stream().filter(topic -> !existing.contains(topic.name())).toList();
        if (missing.isEmpty()) {
            return;
        }
        for (var created : client.createTopics(missing).values().values()) {
            try {
                created.get(timeout, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                // the broker's own topic set-up, which starts as soon as Kafka answers, made it in between: fine
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static boolean known(Admin client, KafkaAccess access, List<AclBinding> acls, long timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> users = client.describeUserScramCredentials().all().get(timeout, TimeUnit.MILLISECONDS).keySet();
        Collection<AclBinding> granted = client.describeAcls(AclBindingFilter.ANY).values().get(timeout, TimeUnit.MILLISECONDS);
        return access.users().stream().allMatch(user -> users.contains(user.username())) && granted.containsAll(acls);
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
