package org.openvdi.broker.auditlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openvdi.broker.auditlog.api.AuditedObjectType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The rows one batch of events works on, held in memory: read from one set of audit tables in a few queries before
 * the batch ({@code = ANY} of the keys its events name), changed in memory event by event, and written back at the
 * end in one JDBC batch per table (one multi-row statement each with the driver's {@code reWriteBatchedInserts}).
 * So a batch of thousands of events costs a handful of round trips instead of one or two per event. A row the
 * batch only looks up and does not change is not written. Used by one thread.
 */
final class AuditRows {

    /** A desktop as the session history looks it up. */
    record Desktop(UUID desktopId, UUID poolId, UUID hostId, UUID templateId, Integer templateVersion) {
    }

    /** Who held a desktop; {@code heldUntil} null while they hold it. */
    static final class Holder {
        final UUID desktopId;
        final UUID sessionId;
        final String user;
        final OffsetDateTime heldFrom;
        OffsetDateTime heldUntil;

        Holder(UUID desktopId, UUID sessionId, String user, OffsetDateTime heldFrom, OffsetDateTime heldUntil) {
            this.desktopId = desktopId;
            this.sessionId = sessionId;
            this.user = user;
            this.heldFrom = heldFrom;
            this.heldUntil = heldUntil;
        }
    }

    /** An audited object's kept values and type. */
    record AuditedObject(AuditedObjectType type, ObjectNode state) {
    }

    private record HolderKey(UUID desktopId, UUID sessionId) {
    }

    private record ImageKey(UUID templateId, int version) {
    }

    private final JdbcTemplate jdbc;
    private final AuditTables t;
    private final ObjectMapper json;
    private final boolean copyNew;

    private final Map<UUID, Optional<SessionRow>> sessions = new HashMap<>();
    private final Set<UUID> changedSessions = new LinkedHashSet<>();
    private final Set<UUID> newSessions = new HashSet<>();
    private final Map<UUID, Optional<Desktop>> desktops = new HashMap<>();
    private final Set<UUID> changedDesktops = new LinkedHashSet<>();
    private final Set<UUID> newDesktops = new HashSet<>();
    private final Map<HolderKey, Holder> holders = new HashMap<>();
    private final Map<UUID, List<Holder>> holdersByDesktop = new HashMap<>();
    private final Set<HolderKey> changedHolders = new LinkedHashSet<>();
    private final Set<HolderKey> newHolders = new HashSet<>();
    private final Map<UUID, Optional<AuditedObject>> objects = new HashMap<>();
    private final Set<UUID> changedObjects = new LinkedHashSet<>();
    private final Set<UUID> newObjects = new HashSet<>();
    private final Map<ImageKey, String> images = new HashMap<>();
    private final Set<ImageKey> imagesLookedUp = new HashSet<>();
    private final Set<ImageKey> newImages = new LinkedHashSet<>();
    private final Set<String> knownChanges = new HashSet<>();
    private final List<Object[]> changes = new ArrayList<>();
    private final Map<String, Object[]> security = new LinkedHashMap<>();

    /**
     * A rebuild's rows stay in memory from batch to batch ({@link #retaining}): the batch in which each session,
     * desktop and holder was last used, and the keys of those written out and dropped from memory since (only those
     * are ever looked up in the tables again).
     */
    private final boolean retained;
    private int batch;
    private final Map<UUID, Integer> sessionUse = new HashMap<>();
    private final Map<UUID, Integer> desktopUse = new HashMap<>();
    private final Map<HolderKey, Integer> holderUse = new HashMap<>();
    private final Set<UUID> evictedSessions = new HashSet<>();
    private final Set<UUID> evictedDesktops = new HashSet<>();
    private final Set<HolderKey> evictedHolders = new HashSet<>();
    private final Set<UUID> evictedHolderDesktops = new HashSet<>();

    /**
     * Rows of {@code tables}; with {@code copyNew}, the rows the tables do not have yet are written with COPY
     * ({@link RowCopy}) rather than upserted, which only a writer that has the tables to itself may do (a rebuild
     * into its shadow tables: no retry and no other writer can have added them meanwhile).
     */
    AuditRows(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json, boolean copyNew) {
        this(jdbc, tables, json, copyNew, false);
    }

    private AuditRows(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json, boolean copyNew, boolean retained) {
        this.jdbc = jdbc;
        this.t = tables;
        this.json = json;
        this.copyNew = copyNew;
        this.retained = retained;
    }

    /**
     * The rows of a rebuild into its own empty tables, which nothing else writes, kept from batch to batch: every row
     * the rebuild wrote went through here, so a row neither in memory nor written out is known not to exist, without a
     * query. Sessions, desktops and holders are written (with COPY, once) when no batch has used them for
     * {@value #RETAINED_BATCHES} batches, and dropped from memory; one used again later is read back and upserted.
     * The audited objects and image checksums (a few per template or pool) stay until {@link #finish}, the change
     * and security rows (one per event) are written after each batch ({@link #store}). Event ids are unique in the
     * store, so a rebuild never meets a change twice.
     */
    static AuditRows retaining(JdbcTemplate jdbc, AuditTables tables, ObjectMapper json) {
        return new AuditRows(jdbc, tables, json, true, true);
    }

    /** Batches a rebuild keeps an unused session, desktop or holder in memory before writing it out. */
    static final int RETAINED_BATCHES = 2;

    // --- reading, before the batch ---------------------------------------------------------------------------

    void loadSessions(Collection<UUID> ids) {
        List<UUID> missing = ids.stream().filter(id -> !sessions.containsKey(id)).distinct().toList();
        if (retained) {
            ids.forEach(id -> sessionUse.put(id, batch));
            missing = missing.stream().filter(evictedSessions::contains).toList();
            ids.forEach(id -> sessions.putIfAbsent(id, Optional.empty()));
            missing.forEach(sessions::remove);
        }
        if (!missing.isEmpty()) {
            byKeys("SELECT " + SessionRow.COLUMNS + " FROM " + t.session() + " WHERE session_id = ANY(?)", row -> {
                SessionRow s = SessionRow.read(row);
                sessions.put(s.sessionId, Optional.of(s));
            }, missing);
            missing.forEach(id -> sessions.putIfAbsent(id, Optional.empty()));
            missing.forEach(evictedSessions::remove);
        }
    }

    void loadDesktops(Collection<UUID> ids) {
        List<UUID> missing = ids.stream().filter(id -> !desktops.containsKey(id)).distinct().toList();
        if (retained) {
            ids.forEach(id -> desktopUse.put(id, batch));
            missing = missing.stream().filter(evictedDesktops::contains).toList();
            ids.forEach(id -> desktops.putIfAbsent(id, Optional.empty()));
            missing.forEach(desktops::remove);
        }
        if (!missing.isEmpty()) {
            byKeys("SELECT desktop_id, pool_id, host_id, template_id, template_version FROM " + t.desktop()
                    + " WHERE desktop_id = ANY(?)", row -> {
                        Desktop d = new Desktop(row.getObject(1, UUID.class), row.getObject(2, UUID.class),
                                row.getObject(3, UUID.class), row.getObject(4, UUID.class), row.getObject(5, Integer.class));
                        desktops.put(d.desktopId(), Optional.of(d));
                    }, missing);
            missing.forEach(id -> desktops.putIfAbsent(id, Optional.empty()));
            missing.forEach(evictedDesktops::remove);
        }
    }

    void loadObjects(Collection<UUID> ids) {
        List<UUID> missing = ids.stream().filter(id -> id != null && !objects.containsKey(id)).distinct().toList();
        if (retained) {
            missing.forEach(id -> objects.put(id, Optional.empty()));
            return;
        }
        if (!missing.isEmpty()) {
            byKeys("SELECT object_id, object_type, CAST(state AS text) FROM " + t.object()
                    + " WHERE object_id = ANY(?)", row -> {
                        objects.put(row.getObject(1, UUID.class), Optional.of(new AuditedObject(
                                AuditedObjectType.valueOf(row.getString(2)), (ObjectNode) read(row.getString(3)))));
                    }, missing);
            missing.forEach(id -> objects.putIfAbsent(id, Optional.empty()));
        }
    }

    /** Holders of these (desktop, session) pairs, and every open holder of {@code closing} desktops. */
    void loadHolders(Collection<UUID[]> pairs, Collection<UUID> closing) {
        if (retained) {
            pairs.forEach(p -> holderUse.put(new HolderKey(p[0], p[1]), batch));
            pairs = pairs.stream().filter(p -> evictedHolders.contains(new HolderKey(p[0], p[1]))).toList();
            closing = closing.stream().filter(evictedHolderDesktops::contains).toList();
        }
        if (pairs.isEmpty() && closing.isEmpty()) {
            return;
        }
        byKeys("SELECT desktop_id, session_id, user_name, held_from, held_until FROM " + t.holder()
                + " WHERE (desktop_id, session_id) IN (SELECT * FROM unnest(?, ?))"
                + " OR (desktop_id = ANY(?) AND held_until IS NULL)", row -> {
                    Holder h = new Holder(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3),
                            row.getObject(4, OffsetDateTime.class), row.getObject(5, OffsetDateTime.class));
                    HolderKey key = new HolderKey(h.desktopId, h.sessionId);
                    if (!holders.containsKey(key)) {
                        index(h);
                        evictedHolders.remove(key);
                        if (retained) {
                            holderUse.put(key, batch);
                        }
                    }
                }, pairs.stream().map(p -> p[0]).toList(), pairs.stream().map(p -> p[1]).toList(), closing);
    }

    void loadChanges(Collection<String> eventIds) {
        if (!eventIds.isEmpty() && !retained) {
            byKeys("SELECT event_id FROM " + t.change() + " WHERE event_id = ANY(?)",
                    row -> {
                        knownChanges.add(row.getString(1));
                    }, eventIds);
        }
    }

    // --- the batch's view and changes --------------------------------------------------------------------------

    Optional<SessionRow> session(UUID id) {
        Optional<SessionRow> held = sessions.get(id);
        if (held == null) {
            loadSessions(List.of(id));
            return sessions.get(id);
        }
        if (retained) {
            sessionUse.put(id, batch);
        }
        return held;
    }

    /** A new session row, or the existing one. */
    void addSession(SessionRow row) {
        if (session(row.sessionId).isEmpty()) {
            sessions.put(row.sessionId, Optional.of(row));
            changedSessions.add(row.sessionId);
            newSessions.add(row.sessionId);
        }
    }

    void changed(SessionRow row) {
        changedSessions.add(row.sessionId);
    }

    Optional<Desktop> desktop(UUID id) {
        if (id == null) {
            return Optional.empty();
        }
        Optional<Desktop> held = desktops.get(id);
        if (held == null) {
            loadDesktops(List.of(id));
            return desktops.get(id);
        }
        if (retained) {
            desktopUse.put(id, batch);
        }
        return held;
    }

    void putDesktop(Desktop desktop) {
        if (desktop(desktop.desktopId()).isEmpty()) {
            newDesktops.add(desktop.desktopId());
        }
        desktops.put(desktop.desktopId(), Optional.of(desktop));
        changedDesktops.add(desktop.desktopId());
    }

    Optional<Holder> holder(UUID desktopId, UUID sessionId) {
        HolderKey key = new HolderKey(desktopId, sessionId);
        if (retained) {
            holderUse.put(key, batch);
        }
        return Optional.ofNullable(holders.get(key));
    }

    void addHolder(Holder holder) {
        newHolders.add(new HolderKey(holder.desktopId, holder.sessionId));
        index(holder);
        changed(holder);
    }

    List<Holder> holdersOf(UUID desktopId) {
        List<Holder> of = holdersByDesktop.getOrDefault(desktopId, List.of());
        if (retained) {
            of.forEach(h -> holderUse.put(new HolderKey(h.desktopId, h.sessionId), batch));
        }
        return of;
    }

    void changed(Holder holder) {
        HolderKey key = new HolderKey(holder.desktopId, holder.sessionId);
        changedHolders.add(key);
        if (retained) {
            holderUse.put(key, batch);
        }
    }

    Optional<AuditedObject> object(UUID id) {
        if (id == null) {
            return Optional.empty();
        }
        Optional<AuditedObject> held = objects.get(id);
        if (held == null) {
            loadObjects(List.of(id));
            return objects.get(id);
        }
        return held;
    }

    /** The text PostgreSQL's {@code state->>'name'} gives for an object, null without one. */
    String objectName(UUID id) {
        return object(id).map(o -> o.state().get("name")).filter(n -> !n.isNull())
                .map(n -> n.isValueNode() ? n.asText() : n.toString()).orElse(null);
    }

    void putObject(UUID id, AuditedObjectType type, ObjectNode state) {
        Optional<AuditedObject> was = object(id);
        if (was.isEmpty()) {
            newObjects.add(id);
        }
        AuditedObjectType kept = was.map(AuditedObject::type).orElse(type);
        objects.put(id, Optional.of(new AuditedObject(kept, state)));
        changedObjects.add(id);
    }

    /** The checksum of a template's version, null when the audit log knows no such version (or no checksum). */
    String imageSha256(UUID templateId, Integer version) {
        if (templateId == null || version == null) {
            return null;
        }
        ImageKey key = new ImageKey(templateId, version);
        return imageKnown(key) ? images.get(key) : null;
    }

    private boolean imageKnown(ImageKey key) {
        if (!retained && imagesLookedUp.add(key)) {
            List<String> found = jdbc.queryForList("SELECT sha256 FROM " + t.image() + " WHERE template_id = ? AND version = ?",
                    String.class, key.templateId(), key.version());
            if (!found.isEmpty()) {
                images.put(key, found.get(0));
            }
        }
        return images.containsKey(key);
    }

    void addImage(UUID templateId, int version, String sha256) {
        ImageKey key = new ImageKey(templateId, version);
        if (!imageKnown(key)) {
            images.put(key, sha256);
            newImages.add(key);
        }
    }

    /** Whether the change log has the change of this event already (a batch handled again after a retry). */
    boolean changeKnown(String eventId) {
        return knownChanges.contains(eventId);
    }

    void addChange(Object[] row) {
        if (knownChanges.add((String) row[0])) {
            changes.add(row);
        }
    }

    void addSecurity(Object[] row) {
        security.putIfAbsent((String) row[0], row);
    }

    // --- writing, after the batch ------------------------------------------------------------------------------

    /**
     * Writes the batch's rows; a rebuild's ({@link #retaining}) only those no batch has used for a while, and the
     * change and security rows, and it starts its next batch.
     */
    void store() {
        if (retained) {
            flush(false);
        } else {
            storeAll();
        }
    }

    /** Writes every row a rebuild still holds: its end. */
    void finish() {
        if (retained) {
            flush(true);
        }
    }

    private void storeAll() {
        write(t.session(), SessionRow.COLUMNS, marks(22), "ON CONFLICT (session_id) DO UPDATE SET "
                + excluded(SessionRow.COLUMNS), changedSessions, newSessions, id -> sessions.get(id).orElseThrow().values());
        String desktopColumns = "desktop_id, pool_id, host_id, template_id, template_version";
        write(t.desktop(), desktopColumns, marks(5), "ON CONFLICT (desktop_id) DO UPDATE SET " + excluded(desktopColumns),
                changedDesktops, newDesktops, id -> {
                    Desktop d = desktops.get(id).orElseThrow();
                    return new Object[] {d.desktopId(), d.poolId(), d.hostId(), d.templateId(), d.templateVersion()};
                });
        String holderColumns = "desktop_id, session_id, user_name, held_from, held_until";
        write(t.holder(), holderColumns, marks(5), "ON CONFLICT (desktop_id, session_id) DO UPDATE SET "
                + excluded(holderColumns), changedHolders, newHolders, key -> {
                    Holder h = holders.get(key);
                    return new Object[] {h.desktopId, h.sessionId, h.user, h.heldFrom, h.heldUntil};
                });
        write(t.image(), "template_id, version, sha256", marks(3), "ON CONFLICT (template_id, version) DO NOTHING",
                newImages, newImages, k -> new Object[] {k.templateId(), k.version(), images.get(k)});
        write(t.object(), "object_id, object_type, state", "?, ?, CAST(? AS jsonb)",
                "ON CONFLICT (object_id) DO UPDATE SET state = EXCLUDED.state", changedObjects, newObjects, id -> new Object[] {
                        id, objects.get(id).orElseThrow().type().name(),
                        ChangeLogWriter.jsonb(objects.get(id).orElseThrow().state())});
        write(t.change(), "event_id, at, actor, object_type, object_id, object_name, action, before, after",
                "?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb)", "ON CONFLICT (event_id) DO NOTHING", changes);
        write(t.security(), "event_id, at, kind, actor, client_address, detail", "?, ?, ?, ?, ?, CAST(? AS jsonb)",
                "ON CONFLICT (event_id) DO NOTHING", List.copyOf(security.values()));
    }

    private void flush(boolean all) {
        Set<UUID> staleSessions = stale(sessionUse, all);
        Set<UUID> writtenSessions = changedAmong(changedSessions, staleSessions);
        write(t.session(), SessionRow.COLUMNS, marks(22), "ON CONFLICT (session_id) DO UPDATE SET "
                + excluded(SessionRow.COLUMNS), writtenSessions, newSessions, id -> sessions.get(id).orElseThrow().values());
        changedSessions.removeAll(writtenSessions);
        newSessions.removeAll(writtenSessions);
        for (UUID id : staleSessions) {
            sessionUse.remove(id);
            Optional<SessionRow> row = sessions.remove(id);
            if (row != null && row.isPresent()) {
                evictedSessions.add(id);
            }
        }

        Set<UUID> staleDesktops = stale(desktopUse, all);
        Set<UUID> writtenDesktops = changedAmong(changedDesktops, staleDesktops);
        String desktopColumns = "desktop_id, pool_id, host_id, template_id, template_version";
        write(t.desktop(), desktopColumns, marks(5), "ON CONFLICT (desktop_id) DO UPDATE SET " + excluded(desktopColumns),
                writtenDesktops, newDesktops, id -> {
                    Desktop d = desktops.get(id).orElseThrow();
                    return new Object[] {d.desktopId(), d.poolId(), d.hostId(), d.templateId(), d.templateVersion()};
                });
        changedDesktops.removeAll(writtenDesktops);
        newDesktops.removeAll(writtenDesktops);
        for (UUID id : staleDesktops) {
            desktopUse.remove(id);
            Optional<Desktop> row = desktops.remove(id);
            if (row != null && row.isPresent()) {
                evictedDesktops.add(id);
            }
        }

        Set<HolderKey> staleHolders = stale(holderUse, all);
        Set<HolderKey> writtenHolders = changedAmong(changedHolders, staleHolders);
        String holderColumns = "desktop_id, session_id, user_name, held_from, held_until";
        write(t.holder(), holderColumns, marks(5), "ON CONFLICT (desktop_id, session_id) DO UPDATE SET "
                + excluded(holderColumns), writtenHolders, newHolders, key -> {
                    Holder h = holders.get(key);
                    return new Object[] {h.desktopId, h.sessionId, h.user, h.heldFrom, h.heldUntil};
                });
        changedHolders.removeAll(writtenHolders);
        newHolders.removeAll(writtenHolders);
        for (HolderKey key : staleHolders) {
            holderUse.remove(key);
            Holder h = holders.remove(key);
            if (h != null) {
                evictedHolders.add(key);
                List<Holder> of = holdersByDesktop.get(key.desktopId());
                if (of != null) {
                    of.remove(h);
                    if (of.isEmpty()) {
                        holdersByDesktop.remove(key.desktopId());
                    }
                }
                if (h.heldUntil == null) {
                    evictedHolderDesktops.add(key.desktopId());
                }
            }
        }

        if (all) {
            write(t.image(), "template_id, version, sha256", marks(3), "ON CONFLICT (template_id, version) DO NOTHING",
                    newImages, newImages, k -> new Object[] {k.templateId(), k.version(), images.get(k)});
            newImages.clear();
            write(t.object(), "object_id, object_type, state", "?, ?, CAST(? AS jsonb)",
                    "ON CONFLICT (object_id) DO UPDATE SET state = EXCLUDED.state", changedObjects, newObjects, id -> new Object[] {
                            id, objects.get(id).orElseThrow().type().name(),
                            ChangeLogWriter.jsonb(objects.get(id).orElseThrow().state())});
            changedObjects.clear();
            newObjects.clear();
        }
        write(t.change(), "event_id, at, actor, object_type, object_id, object_name, action, before, after",
                "?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb)", "ON CONFLICT (event_id) DO NOTHING", changes);
        write(t.security(), "event_id, at, kind, actor, client_address, detail", "?, ?, ?, ?, ?, CAST(? AS jsonb)",
                "ON CONFLICT (event_id) DO NOTHING", List.copyOf(security.values()));
        changes.clear();
        knownChanges.clear();
        security.clear();
        batch++;
    }

    /** The keys last used {@value #RETAINED_BATCHES} or more batches ago (all of them at the end). */
    private <K> Set<K> stale(Map<K, Integer> use, boolean all) {
        Set<K> stale = new HashSet<>();
        for (Map.Entry<K, Integer> entry : use.entrySet()) {
            if (all || entry.getValue() <= batch - RETAINED_BATCHES) {
                stale.add(entry.getKey());
            }
        }
        return stale;
    }

    /** The changed keys among {@code keys}, in the order they changed. */
    private static <K> Set<K> changedAmong(Set<K> changed, Set<K> keys) {
        Set<K> among = new LinkedHashSet<>();
        for (K key : changed) {
            if (keys.contains(key)) {
                among.add(key);
            }
        }
        return among;
    }

    /** Rows that are all new to the table (a change or security row is written once per event). */
    private void write(String table, String columns, String values, String conflict, List<Object[]> rows) {
        if (copyNew) {
            RowCopy.copy(jdbc, table, columns, rows);
        } else {
            batch("INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") " + conflict, rows);
        }
    }

    /** The changed rows of a table by key: those in {@code fresh} are new to it, the others are there already. */
    private <K> void write(String table, String columns, String values, String conflict, Set<K> changed, Set<K> fresh,
                           java.util.function.Function<K, Object[]> row) {
        String upsert = "INSERT INTO " + table + " (" + columns + ") VALUES (" + values + ") " + conflict;
        if (!copyNew) {
            batch(upsert, changed.stream().map(row).toList());
            return;
        }
        List<Object[]> added = new ArrayList<>();
        List<Object[]> updated = new ArrayList<>();
        for (K key : changed) {
            (fresh.contains(key) ? added : updated).add(row.apply(key));
        }
        RowCopy.copy(jdbc, table, columns, added);
        batch(upsert, updated);
    }

    private void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.execute(sql, (PreparedStatement statement) -> {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    if (row[i] == null) {
                        statement.setNull(i + 1, Types.OTHER);
                    } else {
                        statement.setObject(i + 1, row[i]);
                    }
                }
                statement.addBatch();
            }
            return statement.executeBatch();
        });
    }

    /**
     * Runs {@code sql} with each collection bound as one array parameter ({@code uuid[]} or {@code varchar[]}), so
     * that PostgreSQL looks the keys up in the primary key's index. (An array cast from text in the statement would be
     * parsed again for every row of a sequential scan in a generic plan.)
     */
    private void byKeys(String sql, RowCallbackHandler handler, Collection<?>... keys) {
        jdbc.query(connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            for (int i = 0; i < keys.length; i++) {
                boolean uuids = keys[i].isEmpty() || keys[i].iterator().next() instanceof UUID;
                statement.setArray(i + 1, connection.createArrayOf(uuids ? "uuid" : "varchar", keys[i].toArray()));
            }
            return statement;
        }, handler);
    }

    private void index(Holder holder) {
        holders.put(new HolderKey(holder.desktopId, holder.sessionId), holder);
        holdersByDesktop.computeIfAbsent(holder.desktopId, d -> new ArrayList<>()).add(holder);
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    /** {@code b = EXCLUDED.b, ...} for every column but the first (the key). */
    private static String excluded(String columns) {
        return java.util.Arrays.stream(columns.split(",")).map(String::trim).skip(1)
                .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    }

    JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit_object holds a state that is not JSON", e);
        }
    }
}
