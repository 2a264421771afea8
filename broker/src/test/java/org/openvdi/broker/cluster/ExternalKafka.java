package org.openvdi.broker.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.Uuid;
import org.openvdi.broker.AppProcess;

/**
 * A Kafka broker in a JVM of its own, in KRaft mode as docker-compose.yml's {@code kafka} service runs it (one node that
 * is broker and controller, replication factor 1, topics created on first use): the server of the {@code kafka_2.13}
 * artifact the broker already depends on (for its embedded KRaft), started with {@code kafka.Kafka} after
 * {@code kafka-storage format}, both from this test's class path. As in the compose file, every listener needs a
 * sign-in (SASL_PLAINTEXT on 127.0.0.1): Kafka itself and the super user {@code admin} use PLAIN, the clients
 * SCRAM-SHA-512; {@link #start} then does what the compose file's {@code kafka-setup} service does, as {@code admin}:
 * it creates the SCRAM users {@code openvdi-broker}, {@code openvdi-gateway} and {@code openvdi-audit} with passwords
 * of this run, grants their ACLs and creates the three topics (README.md, "Kafka credentials and ACLs"). Nothing is allowed without an ACL.
 */
public final class ExternalKafka implements AutoCloseable {

    static final String BROKER_USER = "openvdi-broker";
    static final String GATEWAY_USER = "openvdi-gateway";
    static final String AUDIT_USER = "openvdi-audit";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String adminPassword = secret();
    private final String brokerPassword = secret();
    private final String gatewayPassword = secret();
    private final String auditPassword = secret();
    private Process process;

    public ExternalKafka(Path dir) throws IOException {
        this.dir = dir.resolve("kafka");
        this.port = AppProcess.freePort();
        this.controllerPort = AppProcess.freePort();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public void start() throws Exception {
        Files.createDirectories(dir);
        Path properties = dir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=SASL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=SASL://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=SASL",
                "listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL:SASL_PLAINTEXT",
                "sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN",
                "listener.name.controller.sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=PLAIN",
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name.controller.plain.sasl.jaas.config=" + plainAdmin(true),
                "listener.name.sasl.plain.sasl.jaas.config=" + plainAdmin(true),
                "listener.name.sasl.scram-sha-512.sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:admin",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "auto.create.topics.enable=true",
                "group.initial.rebalance.delay.ms=0",
                "num.partitions=1",
                ""));
        Files.setPosixFilePermissions(properties, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()))
                .waitFor(120, TimeUnit.SECONDS);
        process = java(List.of("-Xmx384m", "-Dlog4j.configuration=none", "kafka.Kafka", properties.toString()));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited; see " + dir.resolve("kafka.log"));
            }
            Map<String, Object> config = new HashMap<>(adminClientConfig());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster().nodes().get(4, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                Thread.sleep(500);
                continue;
            }
            setUp();
            return;
        }
        throw new IllegalStateException("Kafka did not answer within 90 s; see " + dir.resolve("kafka.log"));
    }

    /** What docker-compose.yml's {@code kafka-setup} does: the SCRAM users and their ACLs, as the super user. */
    private void setUp() throws Exception {
        try (Admin admin = Admin.create(adminClientConfig())) {
            ScramCredentialInfo scram = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192);
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion(BROKER_USER, scram, brokerPassword),
                    new UserScramCredentialUpsertion(GATEWAY_USER, scram, gatewayPassword),
                    new UserScramCredentialUpsertion(AUDIT_USER, scram, auditPassword))).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> acls = new ArrayList<>();
            acls.addAll(allow(BROKER_USER, ResourceType.TOPIC, "openvdi.events", PatternType.LITERAL,
                    AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE));
            acls.addAll(allow(BROKER_USER, ResourceType.TOPIC, "openvdi.connections", PatternType.LITERAL,
                    AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE));
            acls.addAll(allow(BROKER_USER, ResourceType.GROUP, "openvdi-broker", PatternType.LITERAL, AclOperation.READ));
            acls.addAll(allow(GATEWAY_USER, ResourceType.TOPIC, "openvdi.connections", PatternType.LITERAL,
                    AclOperation.WRITE, AclOperation.DESCRIBE));
            acls.addAll(allow(BROKER_USER, ResourceType.TOPIC, "openvdi.checkpoints", PatternType.LITERAL,
                    AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE));
            acls.addAll(allow(AUDIT_USER, ResourceType.TOPIC, "openvdi.events", PatternType.LITERAL,
                    AclOperation.READ, AclOperation.DESCRIBE));
            acls.addAll(allow(AUDIT_USER, ResourceType.TOPIC, "openvdi.checkpoints", PatternType.LITERAL,
                    AclOperation.READ, AclOperation.DESCRIBE));
            acls.addAll(allow(AUDIT_USER, ResourceType.GROUP, "openvdi-audit", PatternType.PREFIXED, AclOperation.READ));
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // the topics, as kafka-setup creates them: a gateway may not create the telemetry topic, and the brokers'
            // own creation at start gives up when Kafka answers too slowly then
            admin.createTopics(List.of(new NewTopic("openvdi.events", 3, (short) 1),
                    new NewTopic("openvdi.connections", 3, (short) 1),
                    new NewTopic("openvdi.checkpoints", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<AclBinding> allow(String user, ResourceType type, String name, PatternType pattern,
                                          AclOperation... operations) {
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
        return bindings;
    }

    /** The super user's client settings (PLAIN), for the setup and for the test's own reads. */
    Map<String, Object> adminClientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT",
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, plainAdmin(false));
    }

    /** The password of the broker's SCRAM user ({@code OPENVDI_KAFKA_PASSWORD}). */
    public String brokerPassword() {
        return brokerPassword;
    }

    /** The password of the gateway's SCRAM user ({@code OPENVDI_GATEWAY_KAFKA_PASSWORD}). */
    String gatewayPassword() {
        return gatewayPassword;
    }

    private String plainAdmin(boolean withUsers) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                + adminPassword + "\"" + (withUsers ? " user_admin=\"" + adminPassword + "\"" : "") + ";";
    }

    private static String secret() {
        return java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
    }

    private Process java(List<String> arguments) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", classPath));
        command.addAll(arguments);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kafka.log").toFile())).start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
