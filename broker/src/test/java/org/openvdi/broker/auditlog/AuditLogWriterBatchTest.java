package org.openvdi.broker.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvdi.broker.desktop.api.DesktopAssignedEvent;
import org.openvdi.broker.desktop.api.DesktopDestroyedEvent;
import org.openvdi.broker.desktop.api.DesktopProvisioningRequestedEvent;
import org.openvdi.broker.desktop.api.DesktopReleasedEvent;
import org.openvdi.broker.host.api.HostRegisteredEvent;
import org.openvdi.broker.hypervisor.VirtType;
import org.openvdi.broker.limits.api.SignInThrottledEvent;
import org.openvdi.broker.limits.api.ThrottledSubject;
import org.openvdi.broker.pool.api.EntitlementGrantedEvent;
import org.openvdi.broker.pool.api.PoolCreatedEvent;
import org.openvdi.broker.pool.api.PoolReconfiguredEvent;
import org.openvdi.broker.pool.api.PoolType;
import org.openvdi.broker.pool.api.PowerPolicy;
import org.openvdi.broker.session.api.DesktopAssignedToSessionEvent;
import org.openvdi.broker.session.api.SessionConnectedEvent;
import org.openvdi.broker.session.api.SessionDisconnectedEvent;
import org.openvdi.broker.session.api.SessionEndedEvent;
import org.openvdi.broker.session.api.SessionRequestedEvent;
import org.openvdi.broker.template.api.TemplateRegisteredEvent;
import org.openvdi.broker.template.api.TemplateVersionPublishedEvent;
import org.openvdi.broker.testsupport.SharedPostgres;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The batched audit writer on the shared real PostgreSQL: the same history written one event per batch (as a live
 * processor that gets one event at a time) and in one batch (as a rebuild) gives the same rows, so batch boundaries
 * never change an answer; rows that span batches (a session requested in one, ended in another; a pool renamed
 * between two sessions; a desktop destroyed while held) come out right either way.
 */
class AuditLogWriterBatchTest {

    private static final Instant T0 = Instant.parse("2025-03-03T08:00:00Z");

    private final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();
    private final JdbcTemplate jdbc = new JdbcTemplate(SharedPostgres.dataSource());
    private final Map<String, Long> sequences = new HashMap<>();
    private final List<EventMessage<?>> events = new ArrayList<>();

    private final UUID host = UUID.randomUUID();
    private String hostName = "kvm-1";
    private final UUID template = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final UUID firstDesktop = UUID.randomUUID();
    private final UUID secondDesktop = UUID.randomUUID();
    private final UUID aliceSession = UUID.randomUUID();
    private final UUID bobSession = UUID.randomUUID();

    @BeforeEach
    void emptyTables() {
        SharedPostgres.truncate();
        for (String table : AuditTables.LIVE.all()) {
            jdbc.update("DROP TABLE IF EXISTS " + table + AuditTables.SHADOW.suffix());
            jdbc.update("CREATE TABLE " + table + AuditTables.SHADOW.suffix() + " (LIKE " + table + " INCLUDING ALL)");
        }
    }

    @Test
    void givenAHistory_whenWrittenOneEventPerBatchAndAllInOneBatch_thenTheTablesAgreeRowForRow() {
        history();

        AuditLogWriter oneByOne = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
        events.forEach(event -> oneByOne.write(List.of(event)));
        new AuditLogWriter(jdbc, AuditTables.SHADOW, json).write(events);

        assertTablesAgree();
    }

    @Test
    void givenAHistory_whenRebuiltInBatchesWithCopies_thenTheTablesAgreeWithTheLiveOnesRowForRow() {
        history();

        AuditLogWriter live = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
        events.forEach(event -> live.write(List.of(event)));
        AuditLogWriter rebuild = AuditLogWriter.rebuilding(jdbc, AuditTables.SHADOW, json);
        // four events at a time: rows copied in one batch are updated by the next (a session, a holder, a pool)
        for (int from = 0; from < events.size(); from += 4) {
            rebuild.write(events.subList(from, Math.min(events.size(), from + 4)));
        }
        rebuild.finish();

        assertTablesAgree();
    }

    /** Text with COPY's text-format metacharacters reads back from the binary COPY as the live writer's parameters wrote it. */
    @Test
    void givenNamesAndReasonsWithCopyMetacharacters_whenRebuiltWithCopies_thenTheyReadAsWrittenLive() {
        String hostile = "kvm\t1\\N\\\\ \\. tab\there\nnew\rline \u202Ebidi\u0007 \"quoted\" 'single' ; DROP TABLE x; -- ../..";
        hostName = hostile;
        history();
        event("Session", aliceSession, new SessionEndedEvent(aliceSession, firstDesktop, "alice", "\\N", "a\tlice\\"), "alice",
                T0.plusSeconds(7000));

        AuditLogWriter live = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
        events.forEach(event -> live.write(List.of(event)));
        AuditLogWriter rebuild = AuditLogWriter.rebuilding(jdbc, AuditTables.SHADOW, json);
        rebuild.write(events);
        rebuild.finish();

        assertTablesAgree();
        assertThat(jdbc.queryForObject("SELECT host_name FROM audit_session_replay WHERE session_id = ?", String.class,
                aliceSession)).isEqualTo(hostile);
        assertThat(jdbc.queryForObject("SELECT end_reason FROM audit_session_replay WHERE session_id = ?", String.class,
                aliceSession)).isEqualTo("\\N");
    }

    private void assertTablesAgree() {

        for (String table : AuditTables.LIVE.all()) {
            String shadow = table + AuditTables.SHADOW.suffix();
            assertThat(count("SELECT count(*) FROM " + table)).as(table).isPositive();
            assertThat(count("SELECT count(*) FROM (SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM " + shadow + ") d"))
                    .as(table + " rows only written one by one").isZero();
            assertThat(count("SELECT count(*) FROM (SELECT * FROM " + shadow + " EXCEPT ALL SELECT * FROM " + table + ") d"))
                    .as(table + " rows only written in one batch").isZero();
        }
    }

    @Test
    void givenAHistory_whenWrittenInBatches_thenRowsSpanningBatchesAreComplete() {
        history();

        AuditLogWriter writer = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
        for (int from = 0; from < events.size(); from += 3) {
            writer.write(events.subList(from, Math.min(events.size(), from + 3)));
        }

        assertThat(jdbc.queryForMap("SELECT pool_name, host_name, template_name, image_sha256, client_address, state,"
                        + " end_reason, connections FROM audit_session WHERE session_id = ?", aliceSession))
                .containsEntry("pool_name", "Pool A").containsEntry("host_name", "kvm-1")
                .containsEntry("template_name", "Tiny").containsEntry("image_sha256", "ab".repeat(32))
                .containsEntry("client_address", "10.0.0.5").containsEntry("state", "ENDED")
                .containsEntry("end_reason", "logoff").containsEntry("connections", 1);
        assertThat(jdbc.queryForObject("SELECT pool_name FROM audit_session WHERE session_id = ?", String.class, bobSession))
                .as("requested after the rename").isEqualTo("Pool B");
        assertThat(count("SELECT count(*) FROM audit_holder WHERE held_until IS NULL")).as("destroyed desktop released")
                .isZero();
        assertThat(jdbc.queryForObject("SELECT CAST(before AS text) || ' -> ' || CAST(after AS text) FROM audit_change"
                + " WHERE action = 'PoolReconfigured'", String.class))
                .contains("\"name\": \"Pool A\"").contains("\"name\": \"Pool B\"");
        assertThat(jdbc.queryForObject("SELECT CAST(after AS text) FROM audit_change WHERE action = 'EntitlementGranted'",
                String.class)).isEqualTo("{\"entitlement USER:bob\": true}");
    }

    @Test
    void givenABatchWritten_whenTheSameBatchIsWrittenAgain_thenTheChangeLogAndHoldersStayAsTheyWere() {
        history();
        AuditLogWriter writer = new AuditLogWriter(jdbc, AuditTables.LIVE, json);
        writer.write(events);
        String changes = jdbc.queryForList("SELECT CAST(row_to_json(c) AS text) FROM audit_change c ORDER BY event_id",
                String.class).toString();
        String objects = jdbc.queryForList("SELECT CAST(state AS text) FROM audit_object ORDER BY object_id",
                String.class).toString();

        writer.write(events);

        assertThat(jdbc.queryForList("SELECT CAST(row_to_json(c) AS text) FROM audit_change c ORDER BY event_id",
                String.class).toString()).isEqualTo(changes);
        assertThat(jdbc.queryForList("SELECT CAST(state AS text) FROM audit_object ORDER BY object_id", String.class)
                .toString()).isEqualTo(objects);
        assertThat(count("SELECT count(*) FROM audit_holder")).isEqualTo(2);
    }

    private void history() {
        event("Host", host, new HostRegisteredEvent(host, hostName, "test:///default", VirtType.QEMU, 10, "default",
                "127.0.0.1", "admin"), "admin", T0);
        event("Template", template, new TemplateRegisteredEvent(template, "Tiny", 1, 256, "admin", null), "admin", T0);
        event("Template", template, new TemplateVersionPublishedEvent(template, 1, "/images/t.img", "ab".repeat(32), "qcow2",
                1024, "admin"), "admin", T0);
        event("DesktopPool", pool, new PoolCreatedEvent(pool, "Pool A", template, 1, PoolType.FLOATING,
                PowerPolicy.KEEP_RUNNING, 1, 5, Set.of("alice"), Set.of(), "admin"), "admin", T0);
        session(aliceSession, firstDesktop, "alice", T0.plusSeconds(60), true);
        event("DesktopPool", pool, new PoolReconfiguredEvent(pool, "Pool B", 2, 6, PowerPolicy.KEEP_RUNNING, "admin"),
                "admin", T0.plusSeconds(4000));
        event("DesktopPool", pool, new EntitlementGrantedEvent(pool, "USER", "bob", "admin"), "admin", T0.plusSeconds(4001));
        session(bobSession, secondDesktop, "bob", T0.plusSeconds(5000), false);
        event("Desktop", secondDesktop, new DesktopDestroyedEvent(secondDesktop), "system", T0.plusSeconds(6000));
        UUID guard = UUID.randomUUID();
        event("SignInGuard", guard, new SignInThrottledEvent(guard, ThrottledSubject.USER_NAME, "mallory", "192.0.2.7", 5,
                T0.plusSeconds(6300)), "system", T0.plusSeconds(6000));
    }

    private void session(UUID sessionId, UUID desktopId, String user, Instant at, boolean ends) {
        event("Desktop", desktopId, new DesktopProvisioningRequestedEvent(desktopId, pool, host, template, 1, null), "system",
                at.minusSeconds(30));
        event("Session", sessionId, new SessionRequestedEvent(sessionId, pool, user), user, at);
        event("Session", sessionId, new DesktopAssignedToSessionEvent(sessionId, desktopId, user), "system", at.plusSeconds(1));
        event("Desktop", desktopId, new DesktopAssignedEvent(desktopId, sessionId, user, false), "system", at.plusSeconds(1));
        event("Session", sessionId, new SessionConnectedEvent(sessionId, desktopId, user, "gw-1", "10.0.0.5",
                at.plusSeconds(2), 1), "gateway", at.plusSeconds(2));
        if (ends) {
            event("Session", sessionId, new SessionDisconnectedEvent(sessionId, desktopId, user, "gw-1", "closed", 1000, 10,
                    10, at.plusSeconds(100), 0), "gateway", at.plusSeconds(100));
            event("Session", sessionId, new SessionEndedEvent(sessionId, desktopId, user, "logoff", user), user,
                    at.plusSeconds(200));
            event("Desktop", desktopId, new DesktopReleasedEvent(desktopId, sessionId, user), "system", at.plusSeconds(200));
        }
    }

    private void event(String type, UUID aggregate, Object payload, String actor, Instant at) {
        long sequence = sequences.merge(aggregate.toString(), 1L, Long::sum) - 1;
        events.add(new GenericDomainEventMessage<>(type, aggregate.toString(), sequence, payload, Map.of("user", actor),
                UUID.randomUUID().toString(), at));
    }

    private long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }
}
