package org.openvdi.broker.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the Kafka the broker runs itself: the SCRAM users it creates and the ACLs it grants
 * them. Everything not granted here is denied ({@code allow.everyone.if.no.acl.found=false}).
 * <ul>
 *   <li>the broker writes the events topic, reads the connections topic in its consumer group, and creates
 *       both topics;</li>
 *   <li>a gateway only writes the connections topic: it can neither read it nor touch the events;</li>
 *   <li>the broker also writes the checkpoints topic (the event chain's signed checkpoints) and creates it;</li>
 *   <li>an auditor only reads the events and checkpoints topics, in consumer groups named {@code <audit user>*}.</li>
 * </ul>
 *
 * @param gateway    absent: no gateway user (no gateway can report connections)
 * @param audit      absent: no audit user
 * @param partitions partitions of the events and connections topics, created with the users so that readers never
 *                   wait for a writer; the checkpoints topic has one, so that its checkpoints keep their order
 */
record KafkaAccess(KafkaCredentials broker, Optional<KafkaCredentials> gateway, Optional<KafkaCredentials> audit,
                   String eventsTopic, String connectionsTopic, String brokerGroup, int partitions,
                   String checkpointsTopic) {

    static KafkaAccess of(KafkaSettings settings) {
        return new KafkaAccess(settings.brokerCredentials(), settings.gatewayCredentials(), settings.auditCredentials(),
                settings.eventsTopic(), settings.connectionsTopic(), settings.telemetryGroup(), settings.partitions(),
                settings.checkpointsTopic());
    }

    /**
     * The topics, created up front: a reader without CREATE (an auditor) is refused a topic that does not exist
     * yet, so it must not depend on the broker having written first.
     */
    List<NewTopic> topics() {
        return List.of(new NewTopic(eventsTopic, partitions, (short) 1), new NewTopic(connectionsTopic, partitions, (short) 1),
                new NewTopic(checkpointsTopic, 1, (short) 1));
    }

    List<KafkaCredentials> users() {
        List<KafkaCredentials> users = new ArrayList<>(List.of(broker));
        gateway.ifPresent(users::add);
        audit.ifPresent(users::add);
        return users;
    }

    List<AclBinding> acls() {
        List<AclBinding> acls = new ArrayList<>();
        String brokerUser = broker.username();
        for (AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            acls.add(allow(brokerUser, topic(eventsTopic), operation));
        }
        for (AclOperation operation : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            acls.add(allow(brokerUser, topic(connectionsTopic), operation));
        }
        for (AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
            acls.add(allow(brokerUser, topic(checkpointsTopic), operation));
        }
        acls.add(allow(brokerUser, new ResourcePattern(ResourceType.GROUP, brokerGroup, PatternType.LITERAL),
                AclOperation.READ));
        gateway.ifPresent(g -> {
            acls.add(allow(g.username(), topic(connectionsTopic), AclOperation.WRITE));
            acls.add(allow(g.username(), topic(connectionsTopic), AclOperation.DESCRIBE));
        });
        audit.ifPresent(a -> {
            acls.add(allow(a.username(), topic(eventsTopic), AclOperation.READ));
            acls.add(allow(a.username(), topic(eventsTopic), AclOperation.DESCRIBE));
            acls.add(allow(a.username(), topic(checkpointsTopic), AclOperation.READ));
            acls.add(allow(a.username(), topic(checkpointsTopic), AclOperation.DESCRIBE));
            acls.add(allow(a.username(), new ResourcePattern(ResourceType.GROUP, a.username(), PatternType.PREFIXED),
                    AclOperation.READ));
        });
        return acls;
    }

    private static ResourcePattern topic(String name) {
        return new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL);
    }

    private static AclBinding allow(String user, ResourcePattern resource, AclOperation operation) {
        return new AclBinding(resource, new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
